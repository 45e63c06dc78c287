package dev.bulwark.model.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;

import java.io.IOException;
import java.util.Objects;

import static dev.bulwark.model.catalog.VerificationFailure.PackageIdentityInvalid;

/**
 * {@code BulwarkPackage.json} at the root of a package built by {@code bulwark publisher pack}: which
 * publisher, type and version the ZIP is, so {@code sign} can list it without being told. The catalog entry,
 * not this file, is what the agent trusts.
 */
public record PackageIdentity(int schemaVersion, String publisher, String type, String version) {
    public static final String FILE_NAME = "BulwarkPackage.json";
    public static final int SCHEMA_VERSION = 1;

    public PackageIdentity {
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(version, "version");
    }

    public static PackageIdentity of(String publisher, String type, String version) throws VerificationException {
        PackageIdentity id = new PackageIdentity(SCHEMA_VERSION, publisher, type, version);
        id.check();
        return id;
    }

    public static PackageIdentity parse(byte[] json) throws VerificationException {
        PackageIdentity id;
        try {
            id = Json.MAPPER.readerFor(PackageIdentity.class)
                    .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                    .readValue(json);
        } catch (IOException | RuntimeException e) {
            throw new VerificationException(PackageIdentityInvalid, FILE_NAME + " is not valid: needs schemaVersion,"
                    + " publisher, type and version");
        }
        if (id.schemaVersion() != SCHEMA_VERSION) {
            throw new VerificationException(PackageIdentityInvalid, FILE_NAME + " has unsupported schemaVersion "
                    + id.schemaVersion());
        }
        id.check();
        return id;
    }

    public ExtensionId extension() {
        return new ExtensionId(publisher, type);
    }

    public boolean sameAs(PackageIdentity other) {
        return extension().equals(other.extension()) && version.equals(other.version());
    }

    public byte[] toJson() {
        return Json.encode(this);
    }

    @Override
    public String toString() {
        return publisher + "/" + type + " " + version;
    }

    private void check() throws VerificationException {
        if (!Catalog.isName(publisher) || !Catalog.isName(type) || !Catalog.isName(version)) {
            throw new VerificationException(PackageIdentityInvalid, "'" + publisher + "/" + type + " " + version
                    + "': publisher, type and version must be 1 to 128 letters, digits, '.', '_', '-' or '+'");
        }
    }
}

package dev.bulwark.model.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooLarge;
import static dev.bulwark.model.catalog.VerificationFailure.HandlerManifestInvalid;
import static dev.bulwark.model.catalog.VerificationFailure.MalwareDetected;
import static dev.bulwark.model.catalog.VerificationFailure.MalwareScanFailed;
import static dev.bulwark.model.catalog.VerificationFailure.PackageIdentityInvalid;

/**
 * Publishing intake: what a package must pass before it is listed in a catalog. Used by
 * {@code bulwark publisher sign} and by the cloud when a publisher uploads a version. The archive is read
 * with the same strict {@link ZipArchive} the agent extracts with, so a package accepted here is one the
 * agent will accept; the listing it returns is the catalog entry.
 */
public final class PackageInspector {

    /** A package fit to publish: its identity, its catalog entry, its manifest and the scan verdict. */
    public record Inspection(PackageIdentity identity, Catalog.PackageEntry entry, HandlerManifest manifest,
                             PackageScanner.ScanResult scan) {
    }

    private final PackageScanner scanner;
    private final ArchiveLimits limits;

    public PackageInspector(PackageScanner scanner, ArchiveLimits limits) {
        this.scanner = scanner;
        this.limits = limits;
    }

    /**
     * Checks the archive (safe, unique names, no links, limits), the manifest, the identity and the malware
     * scan, and lists every file.
     *
     * @param expected the publisher/type/version the upload is for, or null to take it from
     *                 {@link PackageIdentity#FILE_NAME} (which must then exist); when both exist they must agree
     */
    public Inspection inspect(Path zip, PackageIdentity expected) throws VerificationException, IOException {
        Catalog.Digest zipDigest = Sha256.ofFile(zip);
        if (zipDigest.length() > limits.maxZipBytes()) {
            throw new VerificationException(ArchiveTooLarge, zip + " is " + zipDigest.length()
                    + " bytes, more than the limit of " + limits.maxZipBytes());
        }
        List<Catalog.FileEntry> files = new ArrayList<>();
        byte[] manifestBytes = null;
        byte[] identityBytes = null;
        try (ZipArchive archive = ZipArchive.open(zip, limits)) {
            for (ZipArchive.Entry entry : archive.entries()) {
                if (entry.directory()) {
                    continue;
                }
                boolean keep = entry.name().equals(HandlerManifest.FILE_NAME) || entry.name().equals(PackageIdentity.FILE_NAME);
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                if (keep && entry.size() > HandlerManifest.MAX_BYTES) {
                    throw new VerificationException(HandlerManifestInvalid, entry.name() + " is larger than "
                            + HandlerManifest.MAX_BYTES + " bytes");
                }
                Catalog.Digest digest = archive.copy(entry, keep ? kept : OutputStream.nullOutputStream(), Long.MAX_VALUE);
                files.add(new Catalog.FileEntry(entry.name(), digest.length(), digest.sha256()));
                if (entry.name().equals(HandlerManifest.FILE_NAME)) {
                    manifestBytes = kept.toByteArray();
                } else if (entry.name().equals(PackageIdentity.FILE_NAME)) {
                    identityBytes = kept.toByteArray();
                }
            }
        } catch (VerificationException e) {
            throw new VerificationException(e.reason(), zip + ": " + e.getMessage(), e);
        }
        PackageIdentity identity = identity(zip, identityBytes, expected);
        if (manifestBytes == null) {
            throw new VerificationException(HandlerManifestInvalid, zip + " has no " + HandlerManifest.FILE_NAME + " at its root");
        }
        Set<String> paths = new HashSet<>();
        files.forEach(f -> paths.add(f.path()));
        HandlerManifest manifest;
        try {
            manifest = HandlerManifest.parse(manifestBytes);
            manifest.validate(paths);
        } catch (VerificationException e) {
            throw new VerificationException(e.reason(), zip + ": " + e.getMessage());
        }
        PackageScanner.ScanResult scan = scanner.scan(zip);
        if (scan.status() == PackageScanner.Status.INFECTED) {
            throw new VerificationException(MalwareDetected, zip + ": " + String.join("; ", scan.findings()));
        }
        if (scan.status() == PackageScanner.Status.FAILED) {
            throw new VerificationException(MalwareScanFailed, zip + ": " + String.join("; ", scan.findings()));
        }
        Catalog.PackageEntry entry = new Catalog.PackageEntry(identity.publisher(), identity.type(), identity.version(),
                zipDigest, files);
        return new Inspection(identity, entry, manifest, scan);
    }

    /**
     * A catalog entry for whatever the ZIP holds, as a careless tool sees it ({@code ZipInputStream}, first
     * copy of a name wins), with no checks. For {@code sign --unchecked}: tests use it to play a compromised
     * publisher whose signed packages the agent must still refuse.
     */
    public static Catalog.PackageEntry listUnchecked(Path zip) throws VerificationException, IOException {
        Map<String, Catalog.FileEntry> files = new LinkedHashMap<>();
        byte[] identityBytes = null;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.isDirectory()) {
                    continue;
                }
                MessageDigest sha = Sha256.newDigest();
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                long length = copy(in, sha, entry.getName().equals(PackageIdentity.FILE_NAME) ? kept : null);
                files.putIfAbsent(entry.getName(), new Catalog.FileEntry(entry.getName(), length, Sha256.hex(sha)));
                if (identityBytes == null && entry.getName().equals(PackageIdentity.FILE_NAME)) {
                    identityBytes = kept.toByteArray();
                }
            }
        }
        PackageIdentity identity = identity(zip, identityBytes, null);
        return new Catalog.PackageEntry(identity.publisher(), identity.type(), identity.version(),
                Sha256.ofFile(zip), List.copyOf(files.values()));
    }

    private static PackageIdentity identity(Path zip, byte[] identityBytes, PackageIdentity expected)
            throws VerificationException {
        if (identityBytes == null) {
            if (expected == null) {
                throw new VerificationException(PackageIdentityInvalid, zip + " has no " + PackageIdentity.FILE_NAME
                        + ": build it with 'bulwark publisher pack'");
            }
            return expected;
        }
        PackageIdentity inZip;
        try {
            inZip = PackageIdentity.parse(identityBytes);
        } catch (VerificationException e) {
            throw new VerificationException(e.reason(), zip + ": " + e.getMessage());
        }
        if (expected != null && !expected.sameAs(inZip)) {
            throw new VerificationException(PackageIdentityInvalid, zip + " is " + inZip + " but is published as " + expected);
        }
        return inZip;
    }

    private static long copy(InputStream in, MessageDigest sha, OutputStream keep) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
            if (keep != null) {
                keep.write(buffer, 0, n);
            }
            length += n;
        }
        return length;
    }
}

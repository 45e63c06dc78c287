package dev.bulwark.e2e;

import dev.bulwark.model.catalog.PackageBuilder;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.VerificationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Packs an extension folder as {@code bulwark publisher pack} does and uploads it to the cloud's catalog. */
public final class ExtensionPublisher {
    public static final String LOCATION = "local";

    private ExtensionPublisher() {
    }

    public static CloudApi.Response publish(CloudApi api, Path extensionDir, String publisher, String type, String version,
                                            Path workDir) throws IOException, VerificationException {
        Files.createDirectories(workDir);
        Path zip = workDir.resolve(type + "-" + version + ".zip");
        PackageBuilder.pack(extensionDir, PackageIdentity.of(publisher, type, version), zip);
        return api.publishVersion(LOCATION, publisher, type, version, Files.readAllBytes(zip));
    }

    /** The example extension shipped in this repository. */
    public static Path logShipper(Path checkout) {
        return checkout.resolve("examples/extensions/log-shipper");
    }
}

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

    /** The second example, like Azure's Custom Script: published as Bulwark.Examples/RunScript 1.0.0. */
    public static Path runScript(Path checkout) {
        return checkout.resolve("examples/extensions/run-script");
    }

    public static final String RUN_SCRIPT_PUBLISHER = "Bulwark.Examples";
    public static final String RUN_SCRIPT_TYPE = "RunScript";
    public static final String RUN_SCRIPT_VERSION = "1.0.0";

    /** Publishes {@link #runScript} as Bulwark.Examples/RunScript 1.0.0; fails unless the cloud accepts it. */
    public static CloudApi.Response publishRunScript(CloudApi api, Path checkout, Path workDir)
            throws IOException, VerificationException {
        CloudApi.Response published = publish(api, runScript(checkout), RUN_SCRIPT_PUBLISHER, RUN_SCRIPT_TYPE,
                RUN_SCRIPT_VERSION, workDir);
        if (published.status() / 100 != 2) {
            throw new IllegalStateException("publishing " + RUN_SCRIPT_PUBLISHER + "/" + RUN_SCRIPT_TYPE + " "
                    + RUN_SCRIPT_VERSION + " answered " + published.status() + ": " + published.body());
        }
        return published;
    }
}

package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.StorageConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.storage.PackageStorage;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.PackageInspector;
import dev.bulwark.model.catalog.PackageScanner;
import dev.bulwark.model.catalog.VerificationException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Publishing intake: spools an upload into storage's temporary area (counting bytes against the limit)
 * and runs {@link PackageInspector} on it: the strict archive reader agents extract with, the handler
 * manifest, the identity and the malware scan (EICAR anywhere, clamscan when installed). A refused upload
 * leaves nothing behind. Blocking: runs on a worker thread.
 */
@ApplicationScoped
public class PackageIntake {
    @Inject
    PackageStorage storage;
    @Inject
    StorageConfig config;
    @Inject
    MeterRegistry metrics;

    private final PackageInspector inspector = new PackageInspector(PackageScanner.withClamscanIfInstalled(),
            ArchiveLimits.DEFAULTS);

    /** An upload that passed intake, waiting in storage's temporary area; closing deletes what was not stored. */
    public record Received(Path zip, Catalog.PackageEntry entry) implements AutoCloseable {
        @Override
        public void close() {
            deleteQuietly(zip);
        }
    }

    public Received receive(InputStream body, PackageIdentity identity) {
        Path temp;
        try {
            temp = storage.createTempFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in package storage", e);
        }
        try {
            spool(body, temp, config.maxPackageSize().asLongValue());
            return new Received(temp, inspector.inspect(temp, identity).entry());
        } catch (VerificationException e) {
            deleteQuietly(temp);
            metrics.counter("bulwark.packages.refused", "reason", e.reason().name()).increment();
            // The inspector names the file it read: the temporary one means nothing to the publisher.
            String detail = e.getMessage().replace(temp + ": ", "").replace(temp.toString(), "the package");
            throw new ApiException(ArmErrorCode.InvalidExtensionPackage, "The package " + identity + " was refused ("
                    + e.reason() + "): " + detail, null, List.of(new ApiException.Detail(e.reason().name(), detail)));
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot receive the package " + identity, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /** Copies at most {@code limit} bytes; one more is refused at once, before the rest is read. */
    private static void spool(InputStream body, Path target, long limit) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new ApiException(ArmErrorCode.RequestEntityTooLarge, "A package may be at most " + limit
                            + " bytes (bulwark.storage.max-package-size).", null);
                }
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) {
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content is empty: send the package ZIP.");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // In .incoming/, where a start removes uploads abandoned for a day.
        }
    }
}

package dev.bulwark.cloud.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The package storage account, under {@code bulwark.storage}: where packages and the signed catalog are
 * kept, and the separate HTTP endpoint agents download them from (Arc downloads from a storage account,
 * not from the management API).
 */
@ConfigMapping(prefix = "bulwark.storage")
public interface StorageConfig {

    /** Root folder of the stored objects ({@code packages/...}, {@code catalog/catalog.json}). */
    @WithDefault("${user.home}/.bulwark/cloud/storage")
    Path dir();

    /** Interface the storage endpoint listens on. */
    @WithDefault("0.0.0.0")
    String host();

    /** Port of the storage endpoint; 0 picks a free port (the URL in operations then carries it). */
    @WithDefault("8090")
    int port();

    /**
     * The storage URL written into operations (what agents download from), for example behind a load
     * balancer. When absent: {@code https://<host>:<actual port>} ({@code http://} with the development
     * flag and no certificate), with {@code localhost} for a wildcard host.
     */
    Optional<URI> publicUrl();

    /**
     * The TLS configuration of Quarkus's registry ({@code quarkus.tls.<name>.*}) whose certificate this
     * endpoint serves. When absent: the API's (see {@code ServerTls}), so one certificate serves both.
     */
    Optional<String> tlsConfigurationName();

    /** Largest package ZIP the publishing API accepts (agents accept up to 2 GiB). */
    @WithDefault("512M")
    MemorySize maxPackageSize();
}

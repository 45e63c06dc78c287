package dev.bulwark.cloud.tls;

import dev.bulwark.cloud.config.StorageConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Which certificate the API and the storage endpoint serve, from Quarkus's TLS registry: the API's is the
 * configuration {@code quarkus.http.tls-configuration-name} names, else the default one
 * ({@code quarkus.tls.key-store.*}); the storage endpoint's is {@code bulwark.storage.tls-configuration-name},
 * else the API's. At start, before anything listens: without a certificate the cloud refuses to start unless
 * {@value HttpsOnlyConfigSourceFactory#PLAIN_HTTP_FLAG} is set, and with that flag it warns.
 */
@ApplicationScoped
public class ServerTls {
    private static final Logger LOG = Logger.getLogger(ServerTls.class);
    /** Before the storage endpoint starts (it needs the certificate) and long before the API opens its port. */
    public static final int STARTUP_PRIORITY = 5;

    static final String NO_CERTIFICATE = "No TLS certificate is configured, and the cloud serves only https by default."
            + " Give it a certificate and its key as PEM files: quarkus.tls.key-store.pem.0.cert=/path/tls.crt and"
            + " quarkus.tls.key-store.pem.0.key=/path/tls.key (environment variables QUARKUS_TLS_KEY_STORE_PEM__0__CERT"
            + " and QUARKUS_TLS_KEY_STORE_PEM__0__KEY; any other quarkus.tls key store works too). ./bulwark cloud and"
            + " ./bulwark up make a local CA and a certificate for you. For development only, "
            + HttpsOnlyConfigSourceFactory.PLAIN_HTTP_FLAG + "=true serves plain http instead.";

    @Inject
    TlsConfigurationRegistry registry;
    @Inject
    StorageConfig storageConfig;
    @ConfigProperty(name = "quarkus.http.tls-configuration-name")
    Optional<String> apiConfigurationName;
    @ConfigProperty(name = HttpsOnlyConfigSourceFactory.PLAIN_HTTP_FLAG, defaultValue = "false")
    boolean plainHttp;

    void check(@Observes @Priority(STARTUP_PRIORITY) StartupEvent started) {
        if (plainHttp) {
            LOG.warnf("%s=true: the API serves plain http%s. Requests, answers and packages cross the network"
                            + " unencrypted; use this for development only.", HttpsOnlyConfigSourceFactory.PLAIN_HTTP_FLAG,
                    storage().isPresent() ? " (as well as https)" : ", and so does the storage endpoint");
            return;
        }
        if (api().isEmpty()) {
            throw new ConfigurationException(NO_CERTIFICATE);
        }
        storage(); // a storage configuration that names nothing fails now, not when the endpoint starts
    }

    /** The API's TLS configuration, if it has a certificate. */
    public Optional<TlsConfiguration> api() {
        Optional<TlsConfiguration> tls = apiConfigurationName.isPresent()
                ? Optional.of(named(apiConfigurationName.get(), "quarkus.http.tls-configuration-name"))
                : registry.getDefault();
        return tls.filter(configuration -> configuration.getKeyStoreOptions() != null);
    }

    /** The storage endpoint's TLS configuration: its own, else the API's; empty only when the API has none either. */
    public Optional<TlsConfiguration> storage() {
        Optional<String> name = storageConfig.tlsConfigurationName();
        if (name.isEmpty()) {
            return api();
        }
        TlsConfiguration tls = named(name.get(), "bulwark.storage.tls-configuration-name");
        if (tls.getKeyStoreOptions() == null) {
            throw new ConfigurationException("The TLS configuration '" + name.get() + "' (bulwark.storage.tls-configuration-name)"
                    + " has no certificate: set quarkus.tls." + name.get() + ".key-store.pem.0.cert and .key");
        }
        return Optional.of(tls);
    }

    private TlsConfiguration named(String name, String key) {
        return registry.get(name).orElseThrow(() -> new ConfigurationException(key + " names the TLS configuration '"
                + name + "', but there is none: configure quarkus.tls." + name + ".key-store.*"));
    }
}

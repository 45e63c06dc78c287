package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.CatalogConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the catalog alive: at start (issuing version 1 on a new installation, and serving the newest
 * version from storage) and then every {@code bulwark.catalog.renewal-check-interval} on its own thread,
 * {@link CatalogIssuer#renewIfDue} re-signs the catalog as a new version once less than half of its
 * validity remains. Agents refuse an expired catalog, so a cloud that runs never lets one lapse.
 */
@ApplicationScoped
public class CatalogRenewer {
    private static final Logger LOG = Logger.getLogger(CatalogRenewer.class);
    /** After the storage endpoint, which hands out the catalog's URL. */
    private static final int STARTUP_PRIORITY = 20;

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread renewer = new Thread(r, "bulwark-catalog-renewer");
        renewer.setDaemon(true);
        return renewer;
    });

    @Inject
    CatalogIssuer issuer;
    @Inject
    CatalogConfig config;

    void start(@Observes @Priority(STARTUP_PRIORITY) StartupEvent started) {
        // Synchronously: the API must not hand out catalog references before a catalog exists.
        issuer.renewIfDue(Timestamps.now());
        long interval = config.renewalCheckInterval().toMillis();
        thread.scheduleWithFixedDelay(this::renew, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            issuer.renewIfDue(Timestamps.now());
        } catch (RuntimeException e) {
            // Retried at the next check; half the validity is a wide margin.
            LOG.warnf(e, "Catalog renewal check failed, retrying in %s", config.renewalCheckInterval());
        }
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }
}

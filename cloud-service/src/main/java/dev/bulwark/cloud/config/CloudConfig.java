package dev.bulwark.cloud.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the cloud service, under {@code bulwark.cloud}. */
@ConfigMapping(prefix = "bulwark.cloud")
public interface CloudConfig {

    /** Where the cloud's Ed25519 signing key lives; created with mode 0600 on first start. */
    @WithDefault("${user.home}/.bulwark/cloud")
    Path keyDir();

    /**
     * The URL clients reach this service at, for the {@code Azure-AsyncOperation} and {@code Location}
     * headers. When absent the request's own base URL is used (right unless a proxy rewrites it).
     */
    Optional<URI> publicUrl();

    /** Seconds a client should wait before polling an operation ({@code Retry-After}). */
    @WithDefault("5")
    int retryAfterSeconds();

    /** A machine silent this long shows as Disconnected (Arc: 15 minutes). */
    @WithDefault("PT15M")
    Duration disconnectedAfter();

    /**
     * How far ahead of the cloud's clock a machine's report ({@code sentAt}) or compliance report
     * ({@code evaluatedAt}) may be. A later one is dead-lettered ({@code Unprojectable}): the newest report is kept
     * by that time, so one from the future would hide the machine's next reports until the clock caught up.
     */
    @WithDefault("PT5M")
    Duration clockSkew();

    /**
     * Largest JSON request body of the API. Package uploads have their own limit
     * ({@code bulwark.storage.max-package-size}); see {@code RequestSizeLimits}.
     */
    @WithDefault("4M")
    MemorySize maxRequestSize();

    Outbox outbox();

    ActivityLog activityLog();

    ResourceLists resourceLists();

    Rollout rollout();

    interface Outbox {
        /**
         * Outbox rows relayed per transaction (one Kafka flush and one DELETE each time). A row holds one
         * request's operations: one for a PUT, up to {@code rollout.chunk-size} for a rollout.
         */
        @WithDefault("20")
        int batchSize();

        /** How often the relay looks for rows besides being woken after each commit. */
        @WithDefault("PT0.1S")
        Duration pollInterval();

        /**
         * Largest signed message the relay may hand to Kafka: the broker's {@code message.max.bytes} (1 MiB by
         * default) less room for the key and headers. A request whose operation would be larger is refused with
         * 400; a row that still cannot be sent fails its operation ({@code OperationUndeliverable}).
         */
        @WithDefault("1000K")
        MemorySize maxMessageSize();
    }

    interface Rollout {
        /**
         * Machines issued per step of a rollout: one transaction, one batch signature and one outbox row.
         * Larger chunks cost fewer round trips; each operation's inclusion proof grows by one hash per doubling.
         */
        @WithDefault("1000")
        int chunkSize();

        /**
         * Machines of one rollout sent and still without an outcome, at most; the driver sends more as results
         * arrive. Without it a large stage is sent as fast as the cloud can sign it, and every result then waits
         * behind the whole stage (latency grows with the fleet, and the projection of results starves).
         */
        @WithDefault("2000")
        int maxInFlight();

        /** How often the driver looks at running rollouts besides being woken (pauses, other replicas). */
        @WithDefault("PT0.2S")
        Duration pollInterval();
    }

    interface ActivityLog {
        /** Events per page when the caller gives no {@code $top}. */
        @WithDefault("200")
        int defaultPageSize();

        @WithDefault("1000")
        int maxPageSize();
    }

    /** Lists of machines and of a machine's extensions: pages followed with {@code nextLink}. */
    interface ResourceLists {
        /** Resources per page when the caller gives no {@code $top} (ARM clients never do). */
        @WithDefault("100")
        int defaultPageSize();

        @WithDefault("1000")
        int maxPageSize();
    }
}

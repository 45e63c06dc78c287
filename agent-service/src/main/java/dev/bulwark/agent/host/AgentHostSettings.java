package dev.bulwark.agent.host;

import dev.bulwark.agent.extension.ExtensionHandler;
import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.pkg.PrivateEndpoint;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How an agent process runs. Defaults suit one real machine; a simulated fleet sets a zero handler
 * duration and, for 100,000 machines, a longer config-check interval (each check is one stat per machine).
 *
 * @param handlerDuration  how long a simulated handler takes; null: 200 ms for one machine, 0 for a fleet
 * @param durableState     fsync state.json, protected settings and catalog history (off for throw-away simulated fleets)
 * @param packageGate      null: the real one ({@link dev.bulwark.agent.AgentPlugins#packageGate}); the host closes it
 * @param privateEndpoint  where the real gate downloads catalogs and packages from (ignored with {@code packageGate})
 * @param extensionHandler null: the one {@code handler} names
 * @param handler          which handler runs extensions when {@code extensionHandler} is null ({@link HandlerKind})
 * @param handlerTimeout   how long one command of a real handler may run before it is killed; null: 90 minutes
 * @param operationMaxAge  an operation issued longer ago than this is refused ({@link ReplayGuard}); null: 24 hours
 * @param clockSkew        how far ahead of this machine's clock an operation's issuedAt may be; null: 5 minutes
 */
public record AgentHostSettings(Path home, String bootstrapServers, Map<String, String> kafka, Duration syncInterval,
                                Duration configCheckInterval, Duration handlerDuration, boolean durableState,
                                int maxPollRecords, PackageGate packageGate, PrivateEndpoint privateEndpoint,
                                ExtensionHandler extensionHandler, Clock clock, Duration operationMaxAge,
                                Duration clockSkew, HandlerKind handler, Duration handlerTimeout) {

    public static final Duration DEFAULT_OPERATION_MAX_AGE = Duration.ofHours(24);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Today's Linux VM agent allows a handler command 90 minutes. */
    public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofMinutes(90);

    /**
     * Which handler runs extensions: real processes ({@code PROCESS}), the simulated one ({@code SIMULATED}), or
     * by the home ({@code AUTO}: real for a home that is one machine, simulated for a fleet under machines/).
     */
    public enum HandlerKind {
        AUTO, PROCESS, SIMULATED
    }

    public AgentHostSettings {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        kafka = Map.copyOf(kafka == null ? Map.of() : kafka);
        syncInterval = syncInterval == null ? Duration.ofMinutes(5) : syncInterval;
        configCheckInterval = configCheckInterval == null ? Duration.ofSeconds(5) : configCheckInterval;
        maxPollRecords = maxPollRecords <= 0 ? 500 : maxPollRecords;
        privateEndpoint = privateEndpoint == null ? PrivateEndpoint.OFF : privateEndpoint;
        clock = clock == null ? Clock.systemUTC() : clock;
        operationMaxAge = operationMaxAge == null ? DEFAULT_OPERATION_MAX_AGE : operationMaxAge;
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        handler = handler == null ? HandlerKind.AUTO : handler;
        handlerTimeout = handlerTimeout == null ? DEFAULT_HANDLER_TIMEOUT : handlerTimeout;
    }

    /** Names the Kafka settings without their values: {@code sasl.jaas.config} holds a password. */
    @Override
    public String toString() {
        return "AgentHostSettings[home=" + home + ", bootstrapServers=" + bootstrapServers + ", kafka=" + kafka.keySet()
                + ", syncInterval=" + syncInterval + ", configCheckInterval=" + configCheckInterval + ", handlerDuration="
                + handlerDuration + ", durableState=" + durableState + ", maxPollRecords=" + maxPollRecords
                + ", privateEndpoint=" + privateEndpoint + ", handler=" + handler + ", handlerTimeout=" + handlerTimeout + "]";
    }

    public static Builder builder(Path home, String bootstrapServers) {
        return new Builder(home, bootstrapServers);
    }

    /** Settings one at a time, for readable call sites. */
    public static final class Builder {
        private final Path home;
        private final String bootstrapServers;
        private final Map<String, String> kafka = new HashMap<>();
        private Duration syncInterval;
        private Duration configCheckInterval;
        private Duration handlerDuration;
        private boolean durableState = true;
        private int maxPollRecords;
        private PackageGate packageGate;
        private PrivateEndpoint privateEndpoint;
        private ExtensionHandler extensionHandler;
        private Clock clock;
        private Duration operationMaxAge;
        private Duration clockSkew;
        private HandlerKind handler;
        private Duration handlerTimeout;

        private Builder(Path home, String bootstrapServers) {
            this.home = home;
            this.bootstrapServers = bootstrapServers;
        }

        public Builder kafka(String property, String value) {
            kafka.put(property, value);
            return this;
        }

        public Builder syncInterval(Duration value) {
            syncInterval = value;
            return this;
        }

        public Builder configCheckInterval(Duration value) {
            configCheckInterval = value;
            return this;
        }

        public Builder handlerDuration(Duration value) {
            handlerDuration = value;
            return this;
        }

        public Builder durableState(boolean value) {
            durableState = value;
            return this;
        }

        public Builder maxPollRecords(int value) {
            maxPollRecords = value;
            return this;
        }

        public Builder packageGate(PackageGate value) {
            packageGate = value;
            return this;
        }

        public Builder privateEndpoint(PrivateEndpoint value) {
            privateEndpoint = value;
            return this;
        }

        public Builder extensionHandler(ExtensionHandler value) {
            extensionHandler = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public Builder operationMaxAge(Duration value) {
            operationMaxAge = value;
            return this;
        }

        public Builder clockSkew(Duration value) {
            clockSkew = value;
            return this;
        }

        public Builder handler(HandlerKind value) {
            handler = value;
            return this;
        }

        public Builder handlerTimeout(Duration value) {
            handlerTimeout = value;
            return this;
        }

        public AgentHostSettings build() {
            return new AgentHostSettings(home, bootstrapServers, kafka, syncInterval, configCheckInterval,
                    handlerDuration, durableState, maxPollRecords, packageGate, privateEndpoint, extensionHandler, clock,
                    operationMaxAge, clockSkew, handler, handlerTimeout);
        }
    }
}

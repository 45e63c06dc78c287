package dev.bulwark.agent.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bulwark.agent.*}: how {@code bulwark-agent run} hosts its machines. Kafka's address is
 * {@code kafka.bootstrap.servers}, its security settings {@code kafka.security.protocol}, {@code kafka.sasl.*}
 * and {@code kafka.ssl.*} (see {@link KafkaSecuritySettings}).
 */
@ConfigMapping(prefix = "bulwark.agent")
public interface AgentRuntimeConfig {

    /** The agent home; else $BULWARK_AGENT_HOME, else the platform default. */
    Optional<String> home();

    /** How often every machine sends a report even when nothing changed. */
    @WithDefault("PT5M")
    Duration syncInterval();

    /** How often the local files are checked for changes to report (one stat per machine per check). */
    @WithDefault("PT5S")
    Duration configCheckInterval();

    /** How long a simulated handler takes; absent: 200 ms for one machine, 0 for a fleet. */
    Optional<Duration> handlerDuration();

    /**
     * Which handler runs extensions: {@code process} (real handler processes), {@code simulated}, or
     * {@code auto}: real for a home that is one machine, simulated for a fleet.
     */
    @WithDefault("auto")
    String handler();

    /** How long one handler command may run before it is killed with its process tree ({@code ExtensionHandlerTimedOut}). */
    @WithDefault("PT90M")
    Duration handlerTimeout();

    /** fsync state and settings files; turn off for throw-away simulated fleets. */
    @WithDefault("true")
    boolean durableState();

    @WithDefault("500")
    int maxPollRecords();

    /**
     * Private-endpoint mode: {@code off} downloads catalogs and packages straight from storage; {@code on}
     * through each machine's cloud URL ({@code <cloud>/private-endpoint/...}); an http(s) URL through that base.
     */
    @WithDefault("off")
    String privateEndpoint();

    /**
     * Operations issued longer ago than this are refused ({@code OperationExpired}): a captured operation
     * cannot be held back and played later. A local setting; the cloud cannot change it.
     */
    @WithDefault("PT24H")
    Duration operationMaxAge();

    /** How far ahead of this machine's clock an operation's issuedAt may be before it is refused ({@code OperationNotYetValid}). */
    @WithDefault("PT5M")
    Duration operationClockSkew();

    /** Extra Kafka client settings ({@code consumer.x}, {@code producer.x}, or plain for both). */
    Map<String, String> kafka();
}

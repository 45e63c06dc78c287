package dev.bulwark.cloud.config;

import dev.bulwark.model.Topics;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * Binds the messaging channels to the topic names spelled in {@link Topics}, so the names exist in one
 * place only (database migrations get them as Flyway placeholders). A low ordinal:
 * {@code application.properties} or the environment can still override them.
 */
public class TopicNamesConfigSource implements ConfigSource {
    private static final Map<String, String> PROPERTIES = Map.of(
            "mp.messaging.incoming.extension-results.topic", Topics.EXTENSION_RESULTS,
            "mp.messaging.incoming.agent-reports.topic", Topics.AGENT_REPORTS,
            "mp.messaging.incoming.guest-compliance.topic", Topics.GUEST_COMPLIANCE,
            "quarkus.flyway.placeholders.extensionOperationsTopic", Topics.EXTENSION_OPERATIONS);

    @Override
    public Set<String> getPropertyNames() {
        return PROPERTIES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTIES.get(propertyName);
    }

    @Override
    public String getName() {
        return "bulwark-topic-names";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}

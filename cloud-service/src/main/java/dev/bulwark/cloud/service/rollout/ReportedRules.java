package dev.bulwark.cloud.service.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bulwark.model.AgentConfiguration;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;
import dev.bulwark.model.policy.ConfigMode;
import dev.bulwark.model.policy.LocalRules;

import java.util.Collection;
import java.util.List;

/**
 * The decision inputs of a machine's reported configuration, stored as one canonical JSON text per machine
 * ({@code machine.local_rules}): machines with the same rules store the same text, so a what-if over
 * 100,000 machines decides once per distinct text, with the agent's own {@code ExtensionPolicy.decide}.
 */
public final class ReportedRules {
    private ReportedRules() {
    }

    /** Lists as sorted lower-case {@code publisher/type} keys; {@code allow} null when no allowlist applies. */
    record Stored(List<String> allow, List<String> block, boolean enabled, String mode, String error) {
    }

    /** Null when the report's configuration cannot be read as rules (predictions for it are then Unknown). */
    public static String canonical(AgentConfiguration configuration) {
        LocalRules rules;
        try {
            rules = LocalRules.reported(configuration);
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
        return Json.encodeToString(new Stored(keys(rules.allowlist()), keys(rules.blocklist()), rules.extensionsEnabled(),
                rules.mode().spelling(), rules.invalidReason()));
    }

    public static LocalRules parse(String canonical) {
        try {
            Stored stored = Json.MAPPER.readValue(canonical, Stored.class);
            if (stored.error() != null) {
                return LocalRules.invalid(stored.error(), stored.enabled());
            }
            return LocalRules.of(ids(stored.allow()), ids(stored.block()), stored.enabled(), ConfigMode.parse(stored.mode()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored local rules are unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> keys(Collection<ExtensionId> ids) {
        return ids == null ? null : ids.stream().map(ExtensionId::key).sorted().toList();
    }

    private static List<ExtensionId> ids(List<String> keys) {
        return keys == null ? null : keys.stream().map(ExtensionId::parse).toList();
    }
}

package dev.bulwark.agent.guest;

import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.GuestComplianceReport.RuleResult;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.policy.ConfigMode;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides what a guest assignment's compliance is now: NotEvaluated when the machine's local rules switch
 * guest configuration off (with the setting and the command that would change it), else the rules' verdict.
 * The local rules are the administrator's alone; an assignment can never switch guest configuration on.
 */
public final class GuestEvaluator {
    private final GuestRules rules;

    public GuestEvaluator(GuestRules rules) {
        this.rules = rules;
    }

    /** One evaluation; {@link #digest} tells whether it differs from the last one reported. */
    public record Evaluation(String complianceStatus, String errorCode, String message, List<RuleResult> rules) {
        public String digest() {
            List<Object> parts = new ArrayList<>(List.of(complianceStatus, String.valueOf(errorCode), String.valueOf(message)));
            parts.addAll(rules);
            return Sha256.hex(Json.encode(parts));
        }
    }

    public Evaluation evaluate(GuestAssignment assignment, LocalConfig config) {
        Evaluation off = notEvaluated(config);
        if (off != null) {
            return off;
        }
        List<RuleResult> results = rules.evaluate(assignment.rules());
        boolean compliant = results.stream().allMatch(RuleResult::compliant);
        return new Evaluation(compliant ? GuestComplianceReport.COMPLIANT : GuestComplianceReport.NON_COMPLIANT, null,
                null, results);
    }

    /** Null when guest configuration is on; otherwise why not, for the administrator. */
    static Evaluation notEvaluated(LocalConfig config) {
        String enable = "bulwark-agent config set " + ConfigKey.GUESTCONFIGURATION_ENABLED.key() + " true";
        if (!config.isValid()) {
            // Fail closed: a broken file must not switch guest configuration on by falling back to defaults.
            return new Evaluation(GuestComplianceReport.NOT_EVALUATED, ErrorCode.LocalConfigurationInvalid.name(),
                    "Guest configuration is off on this machine because its local configuration is invalid ("
                            + config.problemSummary() + "). A local administrator can check it with: bulwark-agent config list",
                    List.of());
        }
        boolean enabled = config.bool(ConfigKey.GUESTCONFIGURATION_ENABLED);
        if (config.mode() == ConfigMode.MONITOR) {
            return new Evaluation(GuestComplianceReport.NOT_EVALUATED, ErrorCode.GuestConfigurationDisabled.name(),
                    "Guest configuration is off on this machine: it is in monitor mode (" + ConfigKey.CONFIG_MODE.key()
                            + " is monitor), which turns guest configuration off. A local administrator can turn it back on"
                            + " with: bulwark-agent config set " + ConfigKey.CONFIG_MODE.key() + " full"
                            + (enabled ? "" : " and " + enable),
                    List.of());
        }
        if (!enabled) {
            return new Evaluation(GuestComplianceReport.NOT_EVALUATED, ErrorCode.GuestConfigurationDisabled.name(),
                    "Guest configuration is disabled on this machine (" + ConfigKey.GUESTCONFIGURATION_ENABLED.key()
                            + " is false). A local administrator can enable it with: " + enable,
                    List.of());
        }
        return null;
    }
}

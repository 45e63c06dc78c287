package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.rest.body.constraint.Identifier;
import dev.bulwark.cloud.rest.body.constraint.Region;
import dev.bulwark.cloud.service.GuestAssignmentRequest;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestAssignment.RuleKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A guest configuration assignment. Rules are audit-only file checks, so what is checked is what keeps them that:
 * known kinds, absolute paths, a literal pattern exactly where one is read, unique ids, and a bounded number of rules.
 */
@Schema(name = "GuestConfigurationAssignment")
public record GuestAssignmentBody(@Region String location,
                                  @NotNull @Valid Properties properties) implements ArmRequestBody {

    @Schema(name = "GuestConfigurationAssignmentProperties")
    public record Properties(@NotNull @Valid Configuration guestConfiguration) {
    }

    @Schema(name = "GuestConfigurationNavigation")
    public record Configuration(
            @Schema(example = "ssh-hardening") @NotNull @Identifier String name,
            @Schema(example = "1.0") @Identifier String version,
            @NotNull @Size(min = 1, max = GuestAssignmentRequest.MAX_RULES, message = "must be an array of {min} to {max} rules")
            List<@NotNull @Valid Rule> rules) {
    }

    @Schema(name = "GuestConfigurationRule")
    public record Rule(
            @NotNull @Pattern(regexp = "^[A-Za-z0-9._-]{1,64}$", message = "must be 1 to 64 letters, digits, '.', '_' or '-'")
            String id,
            @NotNull RuleKind kind,
            @Schema(example = "/etc/ssh/sshd_config")
            @NotNull @Pattern(regexp = "^/[^\\p{Cntrl}]{0,1023}$", message = "must be an absolute path (starting with '/') of at most 1024 characters")
            String path,
            @Schema(description = "FileContains only: the literal text to look for", example = "PermitRootLogin no")
            @Pattern(regexp = "^[^\\p{Cntrl}]{1,1024}$", message = "must be the literal text to look for: 1 to 1024 characters on one line")
            String pattern) {
    }

    public GuestAssignmentRequest toRequest() {
        List<GuestAssignment.Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<Rule> given = properties.guestConfiguration.rules;
        for (int i = 0; i < given.size(); i++) {
            Rule rule = given.get(i);
            String at = "properties.guestConfiguration.rules[" + i + "].";
            // Rules across properties and elements, which Bean Validation does not express.
            if (rule.kind == RuleKind.FileContains && rule.pattern == null) {
                throw ApiException.missingProperty(at + "pattern");
            }
            if (rule.kind != RuleKind.FileContains && rule.pattern != null) {
                throw ApiException.invalidParameter(at + "pattern", "Property '" + at + "pattern' applies to FileContains rules only.");
            }
            if (!ids.add(rule.id.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalidParameter(at + "id", "Rule id '" + rule.id
                        + "' is used twice: rule ids must be unique (ignoring case) within an assignment.");
            }
            rules.add(new GuestAssignment.Rule(rule.id, rule.kind, rule.path, rule.pattern));
        }
        return new GuestAssignmentRequest(Locations.normalize(location), properties.guestConfiguration.name,
                properties.guestConfiguration.version, rules);
    }
}

package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.service.GuestAssignmentRequest;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestAssignment.RuleKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a guest configuration assignment body. Rules are audit-only file checks, so what is
 * checked is what keeps them that: known kinds, absolute paths, a literal pattern exactly where one is read,
 * unique ids, and a bounded number of rules.
 */
final class GuestAssignmentBodies {
    private static final Pattern LOCATION = Pattern.compile("^[A-Za-z0-9 ]{1,64}$");
    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");
    private static final Pattern RULE_ID = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    /** An absolute path: '/' first, no control characters. */
    private static final Pattern PATH = Pattern.compile("^/[^\\p{Cntrl}]{0,1023}$");
    /** A literal, on one line. */
    private static final Pattern LITERAL = Pattern.compile("^[^\\p{Cntrl}]{1,1024}$");

    private GuestAssignmentBodies() {
    }

    static GuestAssignmentRequest assignment(String body) {
        JsonBody json = JsonBody.parse(body);
        String location = json.optionalText("location", LOCATION, "an Azure region name such as westeurope");
        JsonBody configuration = json.requiredObject("properties").requiredObject("guestConfiguration");
        String name = configuration.requiredText("name", IDENTIFIER, "1 to 128 letters, digits, '.', '_' or '-'");
        String version = configuration.optionalText("version", IDENTIFIER, "a version such as 1.0");
        List<GuestAssignment.Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonBody rule : configuration.requiredObjectArray("rules", 1, GuestAssignmentRequest.MAX_RULES)) {
            GuestAssignment.Rule parsed = rule(rule);
            if (!ids.add(parsed.id().toLowerCase(Locale.ROOT))) {
                throw ApiException.invalidParameter(rule.path("id"), "Rule id '" + parsed.id()
                        + "' is used twice: rule ids must be unique (ignoring case) within an assignment.");
            }
            rules.add(parsed);
        }
        return new GuestAssignmentRequest(location == null ? null : location.replace(" ", "").toLowerCase(Locale.ROOT),
                name, version, rules);
    }

    private static GuestAssignment.Rule rule(JsonBody rule) {
        String id = rule.requiredText("id", RULE_ID, "1 to 64 letters, digits, '.', '_' or '-'");
        String kindText = rule.requiredText("kind", IDENTIFIER, "one of " + Arrays.toString(RuleKind.values()));
        RuleKind kind = Arrays.stream(RuleKind.values()).filter(k -> k.name().equals(kindText)).findFirst()
                .orElseThrow(() -> ApiException.invalidParameter(rule.path("kind"), "Property '" + rule.path("kind")
                        + "' must be one of " + Arrays.toString(RuleKind.values()) + ", not '" + kindText + "'."));
        String path = rule.requiredText("path", PATH, "an absolute path (starting with '/') of at most 1024 characters");
        String pattern = null;
        if (kind == RuleKind.FileContains) {
            pattern = rule.requiredText("pattern", LITERAL, "the literal text to look for: 1 to 1024 characters on one line");
        } else if (rule.has("pattern")) {
            throw ApiException.invalidParameter(rule.path("pattern"), "Property '" + rule.path("pattern")
                    + "' applies to FileContains rules only.");
        }
        return new GuestAssignment.Rule(id, kind, path, pattern);
    }
}

package dev.bulwark.cloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.service.ExtensionRequest;
import dev.bulwark.cloud.service.MachineRegistration;
import dev.bulwark.cloud.service.UpgradeTarget;
import dev.bulwark.cloud.service.rollout.RolloutDefinition;
import dev.bulwark.cloud.service.rollout.RolloutService;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.SealedBox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads and validates the request bodies of the ARM API; the first problem found is refused with its property name. */
final class RequestBodies {
    private static final Pattern LOCATION = Pattern.compile("^[A-Za-z0-9 ]{1,64}$");
    /** Publisher and type: no '/', which separates them in Publisher/Type. */
    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");
    private static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final Pattern TEXT = Pattern.compile("^[^\\p{Cntrl}]{0,256}$");
    private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9+/=\\s]{1,512}$");
    /** Machines per bulk registration request; a 100,000-machine fleet takes 20 requests. */
    static final int MAX_FLEET_REGISTRATION = 5_000;

    private RequestBodies() {
    }

    static MachineRegistration machine(String body) {
        JsonBody json = JsonBody.parse(body);
        String location = location(json.requiredText("location", LOCATION, "an Azure region name such as westeurope"));
        return machine(json, json.requiredObject("properties"), location);
    }

    /**
     * A fleet of machines to register in one request: {@code {"location", "machines": [{"name",
     * "agentPublicKeys", "agentVersion", "tags"}]}}, each checked like a single registration.
     */
    static List<MachineRegistration.Named> fleet(String body) {
        JsonBody json = JsonBody.parse(body);
        String location = location(json.requiredText("location", LOCATION, "an Azure region name such as westeurope"));
        List<MachineRegistration.Named> fleet = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonBody machine : json.requiredObjectArray("machines", 1, MAX_FLEET_REGISTRATION)) {
            String name = machine.requiredText("name", MachineIds.NAME, "1 to 54 letters, digits, '-', '_' or '.'");
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalidParameter(machine.path("name"), "Machine '" + name + "' is listed twice.");
            }
            fleet.add(new MachineRegistration.Named(name, machine(machine, machine, location)));
        }
        return fleet;
    }

    /** Tags from {@code resource}, keys and agent version from {@code keyHolder} (its properties, or itself in a fleet). */
    private static MachineRegistration machine(JsonBody resource, JsonBody keyHolder, String location) {
        JsonBody keys = keyHolder.requiredObject("agentPublicKeys");
        String signing = keys.requiredText("signing", KEY, "a base64 X.509 Ed25519 public key");
        String encryption = keys.requiredText("encryption", KEY, "a base64 X.509 X25519 public key");
        try {
            Ed25519.verifyingKey(Ed25519.decodePublic(signing));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(keys.path("signing"), "Property '" + keys.path("signing")
                    + "' is not a base64 X.509 Ed25519 public key.");
        }
        try {
            SealedBox.decodePublic(encryption);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(keys.path("encryption"), "Property '" + keys.path("encryption")
                    + "' is not a base64 X.509 X25519 public key.");
        }
        String agentVersion = keyHolder.optionalText("agentVersion", VERSION, "a version such as 1.0.0");
        ObjectNode tags = tags(resource);
        return new MachineRegistration(location, signing.trim(), encryption.trim(), agentVersion,
                tags == null ? null : tags.toString());
    }

    /**
     * A machine PATCH (ARM's MachineUpdate): {@code tags} replace the machine's tags whole, as on ARM; null when the
     * body has none (nothing changes). Bulwark keeps none of MachineUpdate's {@code properties} (locationData,
     * osProfile, private link scope...) nor an {@code identity}, so a body that sets one is refused rather than
     * silently dropped.
     */
    static String machineUpdate(String body) {
        JsonBody json = JsonBody.parse(body);
        for (String refused : List.of("properties", "identity")) {
            ObjectNode given = json.optionalObjectNode(refused);
            if (given != null && !given.isEmpty()) {
                String path = refused + (refused.equals("properties") ? "." + given.fieldNames().next() : "");
                throw ApiException.invalidParameter(path, "Property '" + path + "' cannot be changed here: a machine's"
                        + " PATCH changes only its tags.");
            }
        }
        ObjectNode tags = tags(json);
        return tags == null ? null : tags.toString();
    }

    /** ARM tags: at most 50 names of up to 512 characters with string values of up to 256; null when absent. */
    static ObjectNode tags(JsonBody json) {
        ObjectNode tags = json.optionalObjectNode("tags");
        if (tags == null) {
            return null;
        }
        if (tags.size() > 50) {
            throw ApiException.invalidParameter(json.path("tags"), "A resource has at most 50 tags.");
        }
        for (var tag : (Iterable<Map.Entry<String, JsonNode>>) tags::fields) {
            String path = json.path("tags") + "." + tag.getKey();
            if (tag.getKey().isEmpty() || tag.getKey().length() > 512 || !tag.getValue().isTextual()
                    || tag.getValue().textValue().length() > 256) {
                throw ApiException.invalidParameter(path, "Tag '" + path + "' must be a name of 1 to 512 characters with"
                        + " a text value of at most 256 characters.");
            }
        }
        return tags;
    }

    /** PUT: publisher, type and typeHandlerVersion are required. */
    static ExtensionRequest extensionPut(String body) {
        return extension(body, true);
    }

    /** PATCH: every property is optional. */
    static ExtensionRequest extensionPatch(String body) {
        return extension(body, false);
    }

    private static ExtensionRequest extension(String body, boolean complete) {
        JsonBody json = JsonBody.parse(body);
        String location = json.optionalText("location", LOCATION, "an Azure region name such as westeurope");
        JsonBody properties = complete ? json.requiredObject("properties") : json.optionalObject("properties");
        if (properties == null) {
            return new ExtensionRequest(location(location), null, null, null, null, null, null, null, null);
        }
        String publisher = complete ? properties.requiredText("publisher", IDENTIFIER, "letters, digits, '.', '_' or '-'")
                : properties.optionalText("publisher", IDENTIFIER, "letters, digits, '.', '_' or '-'");
        String type = complete ? properties.requiredText("type", IDENTIFIER, "letters, digits, '.', '_' or '-'")
                : properties.optionalText("type", IDENTIFIER, "letters, digits, '.', '_' or '-'");
        String version = complete ? properties.requiredText("typeHandlerVersion", VERSION, "a version such as 1.2")
                : properties.optionalText("typeHandlerVersion", VERSION, "a version such as 1.2");
        return new ExtensionRequest(location(location), publisher, type, version,
                properties.optionalObjectNode("settings"), properties.optionalObjectNode("protectedSettings"),
                properties.optionalBoolean("autoUpgradeMinorVersion"), properties.optionalBoolean("enableAutomaticUpgrade"),
                properties.optionalText("forceUpdateTag", TEXT, "at most 256 printable characters"));
    }

    static List<UpgradeTarget> upgradeTargets(String body) {
        JsonBody targets = JsonBody.parse(body).requiredObject("extensionTargets");
        List<UpgradeTarget> result = new ArrayList<>();
        for (var entry : targets.fields()) {
            String dotted = entry.getKey();
            if (!IDENTIFIER.matcher(dotted).matches() || !dotted.contains(".")) {
                throw ApiException.invalidParameter(targets.path(dotted), "'" + targets.path(dotted)
                        + "' must name an extension as Publisher.Type.");
            }
            JsonBody target = targets.requiredObject(dotted);
            result.add(new UpgradeTarget(dotted, target.requiredText("targetVersion", VERSION, "a version such as 1.2")));
        }
        if (result.isEmpty()) {
            throw ApiException.invalidParameter("extensionTargets", "extensionTargets names no extension to upgrade.");
        }
        return result;
    }

    /** Machines a rollout may list explicitly. */
    static final int MAX_LISTED_MACHINES = 100_000;
    private static final Pattern MACHINE_REFERENCE = Pattern.compile("^([a-zA-Z0-9-_.]{1,54}|/subscriptions/[^\\s]{1,400})$");
    
    /**
     * A rollout: {@code {"location", "properties": {"operation", "extension": {"name", "properties": {...as a
     * machine extension PUT...}}, "target": {"scope", "tags", "machines"}, "strategy": {"stages": [{"count"} |
     * {"percent"}], "maxFailurePercent", "pauseBetweenStages"}, "whatIf"}}}.
     */
    static RolloutService.Submission rollout(String body) {
        JsonBody json = JsonBody.parse(body);
        String location = location(json.requiredText("location", LOCATION, "an Azure region name such as westeurope"));
        JsonBody properties = json.requiredObject("properties");
        String operationName = properties.optionalChoice("operation", List.of("Install", "Update", "Upgrade", "Delete"));
        if (operationName == null) {
            throw ApiException.missingProperty(properties.path("operation"));
        }
        OperationKind operation = OperationKind.fromCliName(operationName);
        JsonBody extension = properties.requiredObject("extension");
        String name = extension.requiredText("name", MachineIds.NAME, "1 to 54 letters, digits, '-', '_' or '.'");
        JsonBody ext = extension.requiredObject("properties");
        String publisher = ext.requiredText("publisher", IDENTIFIER, "letters, digits, '.', '_' or '-'");
        String type = ext.requiredText("type", IDENTIFIER, "letters, digits, '.', '_' or '-'");
        String version = operation == OperationKind.INSTALL || operation == OperationKind.UPGRADE
                ? ext.requiredText("typeHandlerVersion", VERSION, "a version such as 1.2")
                : ext.optionalText("typeHandlerVersion", VERSION, "a version such as 1.2");
        ObjectNode settings = ext.optionalObjectNode("settings");
        RolloutDefinition definition = new RolloutDefinition(operation, name, publisher, type, version,
                settings == null ? null : settings.toString(), Boolean.TRUE.equals(ext.optionalBoolean("autoUpgradeMinorVersion")),
                Boolean.TRUE.equals(ext.optionalBoolean("enableAutomaticUpgrade")),
                ext.optionalText("forceUpdateTag", TEXT, "at most 256 printable characters"),
                target(properties.optionalObject("target"), properties.path("target")), strategy(properties.optionalObject("strategy")));
        boolean whatIf = Boolean.TRUE.equals(properties.optionalBoolean("whatIf"));
        return new RolloutService.Submission(location, definition, ext.optionalObjectNode("protectedSettings"), whatIf);
    }

    private static RolloutDefinition.Target target(JsonBody target, String path) {
        if (target == null) {
            return new RolloutDefinition.Target(RolloutDefinition.Scope.ResourceGroup, null, null);
        }
        String scope = target.optionalChoice("scope", List.of("ResourceGroup", "Subscription"));
        List<String> machines = target.optionalTextArray("machines", MACHINE_REFERENCE,
                "a machine name or a machine resource id", MAX_LISTED_MACHINES);
        ObjectNode tags = tags(target);
        if (machines != null && (scope != null || tags != null)) {
            throw ApiException.invalidParameter(path, "Give either '" + path + ".machines' or '" + path + ".scope' and '"
                    + path + ".tags', not both: a listed target is exactly the machines listed.");
        }
        if (machines != null && machines.isEmpty()) {
            throw new ApiException(ArmErrorCode.RolloutTargetEmpty, "'" + path + ".machines' lists no machine.", path + ".machines");
        }
        return new RolloutDefinition.Target(scope == null ? RolloutDefinition.Scope.ResourceGroup
                : RolloutDefinition.Scope.valueOf(scope), tags == null ? null : textMap(tags), machines);
    }

    private static Map<String, String> textMap(ObjectNode tags) {
        Map<String, String> map = new TreeMap<>();
        tags.fields().forEachRemaining(tag -> map.put(tag.getKey(), tag.getValue().textValue()));
        return map;
    }

    private static RolloutDefinition.Strategy strategy(JsonBody strategy) {
        if (strategy == null) {
            return RolloutDefinition.Strategy.ALL_AT_ONCE;
        }
        List<RolloutDefinition.Stage> stages = new ArrayList<>();
        for (JsonBody stage : strategy.optionalObjectArray("stages", 0, 100)) {
            Integer count = stage.optionalInteger("count", 1, Integer.MAX_VALUE);
            Double percent = stage.optionalNumber("percent", 0, 100);
            if ((count == null) == (percent == null)) {
                throw ApiException.invalidParameter(stage.path("count"), "Each stage gives exactly one of '"
                        + stage.path("count") + "' (machines) and '" + stage.path("percent") + "' (of the target, above 0"
                        + " and at most 100).");
            }
            stages.add(new RolloutDefinition.Stage(count, percent));
        }
        Integer maxFailurePercent = strategy.optionalInteger("maxFailurePercent", 0, 100);
        return new RolloutDefinition.Strategy(stages, maxFailurePercent == null ? 100 : maxFailurePercent,
                strategy.optionalDuration("pauseBetweenStages", Duration.ofDays(1)));
    }

    /** ARM writes regions in lower case without spaces ("West Europe" is westeurope). */
    private static String location(String location) {
        return location == null ? null : location.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}

package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.service.ExtensionRequest;
import dev.bulwark.cloud.service.MachineRegistration;
import dev.bulwark.cloud.service.UpgradeTarget;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.SealedBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads and validates the request bodies of the ARM API; the first problem found is refused with its property name. */
final class RequestBodies {
    private static final Pattern LOCATION = Pattern.compile("^[A-Za-z0-9 ]{1,64}$");
    /** Publisher and type: no '/', which separates them in Publisher/Type. */
    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");
    private static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final Pattern TEXT = Pattern.compile("^[^\\p{Cntrl}]{0,256}$");
    private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9+/=\\s]{1,512}$");

    private RequestBodies() {
    }

    static MachineRegistration machine(String body) {
        JsonBody json = JsonBody.parse(body);
        String location = location(json.requiredText("location", LOCATION, "an Azure region name such as westeurope"));
        JsonBody properties = json.requiredObject("properties");
        JsonBody keys = properties.requiredObject("agentPublicKeys");
        String signing = keys.requiredText("signing", KEY, "a base64 X.509 Ed25519 public key");
        String encryption = keys.requiredText("encryption", KEY, "a base64 X.509 X25519 public key");
        try {
            Ed25519.decodePublic(signing);
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
        String agentVersion = properties.optionalText("agentVersion", VERSION, "a version such as 1.0.0");
        return new MachineRegistration(location, signing.trim(), encryption.trim(), agentVersion);
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

    /** ARM writes regions in lower case without spaces ("West Europe" is westeurope). */
    private static String location(String location) {
        return location == null ? null : location.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}

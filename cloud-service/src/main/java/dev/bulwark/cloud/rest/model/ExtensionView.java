package dev.bulwark.cloud.rest.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.repository.row.ExtensionRow;
import dev.bulwark.cloud.rest.HybridComputeVersion;
import dev.bulwark.cloud.service.ExtensionAddress;
import dev.bulwark.model.Json;

import java.nio.charset.StandardCharsets;

/**
 * An extension as ARM shows {@code Microsoft.HybridCompute/machines/extensions}, in the shape of the request's
 * api-version; protected settings never appear.
 */
public record ExtensionView(String id, String name, String type, String location, Properties properties) {
    public static final String TYPE = "Microsoft.HybridCompute/machines/extensions";

    public record Properties(String publisher, String type, String typeHandlerVersion, JsonNode settings,
                             boolean autoUpgradeMinorVersion, Boolean enableAutomaticUpgrade, String forceUpdateTag,
                             String provisioningState, JsonNode instanceView) {
    }

    public static ExtensionView of(ExtensionRow extension, HybridComputeVersion version) {
        return new ExtensionView(ExtensionAddress.resourceId(extension.machineId(), extension.name()), extension.name(), TYPE,
                extension.location(), new Properties(extension.publisher(), extension.type(), extension.typeHandlerVersion(),
                json(extension.settings()), extension.autoUpgradeMinorVersion(),
                version.showsEnableAutomaticUpgrade() ? extension.enableAutomaticUpgrade() : null,
                extension.forceUpdateTag(), extension.provisioningState(), json(extension.instanceView())));
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }
}

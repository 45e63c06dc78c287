package dev.bulwark.cloud.rest.body;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.rest.body.constraint.Identifier;
import dev.bulwark.cloud.rest.body.constraint.PrintableText;
import dev.bulwark.cloud.rest.body.constraint.Region;
import dev.bulwark.cloud.rest.body.constraint.Version;
import dev.bulwark.cloud.service.ExtensionRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.groups.Default;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of a machine-extension PUT or PATCH. Validated as {@link Complete} for PUT (publisher, type and
 * typeHandlerVersion required) and as {@link Default} for PATCH (every property optional: null keeps).
 */
@Schema(name = "MachineExtension", description = "A machine extension: what to install and how to configure it")
public record ExtensionBody(
        @Schema(description = "The machine's region; optional") @Region String location,
        @NotNull(groups = Complete.class) @Valid Properties properties) implements ArmRequestBody {

    /** Publisher and type are required: a rollout's extension. */
    public interface Identified extends Default {
    }

    /** Everything a new extension needs: a PUT. */
    public interface Complete extends Identified {
    }

    @Schema(name = "MachineExtensionProperties")
    public record Properties(
            @Schema(description = "The extension's publisher namespace", example = "Contoso.Monitoring")
            @NotNull(groups = Identified.class) @Identifier String publisher,
            @Schema(description = "The extension type", example = "LogShipper")
            @NotNull(groups = Identified.class) @Identifier String type,
            @Schema(description = "The version to install (a published one)", example = "1.0")
            @NotNull(groups = Complete.class) @Version String typeHandlerVersion,
            @Schema(type = SchemaType.OBJECT, description = "Public settings, passed to the handler as given")
            ObjectNode settings,
            @Schema(type = SchemaType.OBJECT, description = "Settings sealed to the machine's key: never stored in the"
                    + " cloud, never returned, never logged")
            ObjectNode protectedSettings,
            Boolean autoUpgradeMinorVersion,
            Boolean enableAutomaticUpgrade,
            @Schema(description = "Any change of it re-runs the handler with the same settings") @PrintableText String forceUpdateTag) {

        @Override
        public String toString() {
            return "Properties[" + publisher + "/" + type + " " + typeHandlerVersion
                    + (protectedSettings == null ? "" : ", protectedSettings=<redacted>") + "]";
        }
    }

    public ExtensionRequest toRequest() {
        String region = Locations.normalize(location);
        if (properties == null) {
            return new ExtensionRequest(region, null, null, null, null, null, null, null, null);
        }
        return new ExtensionRequest(region, properties.publisher, properties.type, properties.typeHandlerVersion,
                properties.settings, properties.protectedSettings, properties.autoUpgradeMinorVersion,
                properties.enableAutomaticUpgrade, properties.forceUpdateTag);
    }
}

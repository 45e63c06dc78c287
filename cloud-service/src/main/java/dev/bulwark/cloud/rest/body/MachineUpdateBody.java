package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.rest.body.constraint.ArmTags;
import dev.bulwark.model.Json;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/** A machine's PATCH (ARM's MachineUpdate): only its tags change here. */
@Schema(name = "MachineUpdate")
public record MachineUpdateBody(
        @Schema(description = "ARM tags; they replace the machine's tags") @ArmTags Map<String, String> tags,
        @Schema(hidden = true) Map<String, Object> properties,
        @Schema(hidden = true) Map<String, Object> identity) implements ArmRequestBody {

    /**
     * The new tags as JSON, or null when absent. Properties and identity the agent reports or the cloud owns are
     * refused by name rather than ignored, so a client never believes it changed them.
     */
    public String tagsJson() {
        refuseChange("properties", properties);
        refuseChange("identity", identity);
        return tags == null ? null : Json.encodeToString(tags);
    }

    private static void refuseChange(String name, Map<String, Object> given) {
        if (given != null && !given.isEmpty()) {
            String path = name.equals("properties") ? name + "." + given.keySet().iterator().next() : name;
            throw ApiException.invalidParameter(path, "Property '" + path + "' cannot be changed here: a machine's"
                    + " PATCH changes only its tags.");
        }
    }
}

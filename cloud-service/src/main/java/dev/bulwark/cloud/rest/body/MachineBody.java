package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.rest.body.constraint.ArmTags;
import dev.bulwark.cloud.rest.body.constraint.Region;
import dev.bulwark.cloud.rest.body.constraint.Version;
import dev.bulwark.cloud.service.MachineRegistration;
import dev.bulwark.model.Json;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/** A machine's registration (PUT machines/{name}), as the agent's {@code connect} sends it. */
@Schema(name = "MachineRegistration")
public record MachineBody(
        @Schema(example = "westeurope") @NotNull @Region String location,
        @Schema(description = "ARM tags; absent keeps a known machine's tags") @ArmTags Map<String, String> tags,
        @NotNull @Valid Properties properties) implements ArmRequestBody {

    @Schema(name = "MachineRegistrationProperties")
    public record Properties(@NotNull @Valid AgentPublicKeys agentPublicKeys,
                             @Schema(example = "1.0.0") @Version String agentVersion) {
    }

    public MachineRegistration toRegistration() {
        return registration(location, properties.agentPublicKeys, properties.agentVersion, tags);
    }

    static MachineRegistration registration(String location, AgentPublicKeys keys, String agentVersion,
                                            Map<String, String> tags) {
        return new MachineRegistration(Locations.normalize(location), keys.signing().trim(), keys.encryption().trim(),
                agentVersion, tags == null ? null : Json.encodeToString(tags));
    }
}

package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.rest.body.constraint.ArmTags;
import dev.bulwark.cloud.rest.body.constraint.MachineName;
import dev.bulwark.cloud.rest.body.constraint.Region;
import dev.bulwark.cloud.rest.body.constraint.Version;
import dev.bulwark.cloud.service.MachineRegistration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Machines of one resource group registered in one request (a simulated fleet's {@code connect}). */
@Schema(name = "FleetRegistration")
public record FleetRegistrationBody(
        @Schema(example = "westeurope") @NotNull @Region String location,
        @NotNull @Size(min = 1, max = MAX_MACHINES, message = "must be an array of {min} to {max} machines")
        List<@NotNull @Valid Machine> machines) implements ArmRequestBody {

    /** Machines per bulk registration request; a 100,000-machine fleet takes 20 requests. */
    public static final int MAX_MACHINES = 5_000;

    /** One machine, checked like a single registration. */
    @Schema(name = "FleetMachine")
    public record Machine(@NotNull @MachineName String name, @NotNull @Valid AgentPublicKeys agentPublicKeys,
                          @Version String agentVersion, @ArmTags Map<String, String> tags) {
    }

    public List<MachineRegistration.Named> toRegistrations() {
        List<MachineRegistration.Named> fleet = new ArrayList<>(machines.size());
        // A rule across elements, which Bean Validation does not express: two entries for one machine would race.
        Set<String> names = new HashSet<>();
        for (int i = 0; i < machines.size(); i++) {
            Machine machine = machines.get(i);
            if (!names.add(machine.name.toLowerCase(Locale.ROOT))) {
                String path = "machines[" + i + "].name";
                throw ApiException.invalidParameter(path, "Property '" + path + "' names machine '" + machine.name
                        + "', which is listed twice.");
            }
            fleet.add(new MachineRegistration.Named(machine.name, MachineBody.registration(location,
                    machine.agentPublicKeys, machine.agentVersion, machine.tags)));
        }
        return fleet;
    }
}

package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import dev.bulwark.cloud.rest.model.MachineView;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.MachineService;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.signing.CatalogSigningKey;
import dev.bulwark.cloud.signing.CloudSigningKey;
import dev.bulwark.cloud.rest.body.MachineBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code Microsoft.HybridCompute/machines}: an agent's {@code connect} registers its machine with its
 * public keys and learns the cloud's signing key and the catalog keys from the answer.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.HybridCompute/machines/{machineName}")
@Produces(MediaType.APPLICATION_JSON)
public class MachineResource {
    @Inject
    MachineService machines;
    @Inject
    CloudSigningKey signingKey;
    @Inject
    CatalogSigningKey catalogKey;
    @Inject
    CallerContext caller;

    @PUT
    @ArmAction(value = ArmActions.MACHINES_WRITE, onboarding = true)
    @Operation(summary = "Register or re-register a machine (201 when new, 200 when known)")
    public Uni<RestResponse<MachineView>> register(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                   @RestPath String machineName, @RestQuery("api-version") String apiVersion,
                                                   @Valid MachineBody body, @Context HttpHeaders headers) {
        ApiVersions.requireHybridCompute(apiVersion);
        MachineAddress address = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        var registration = body.toRegistration();
        return machines.register(address, registration, caller.caller(), ArmRequest.correlationIdOf(headers)).map(registered -> RestResponse.status(
                registered.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, view(registered.machine())));
    }

    @GET
    @ArmAction(ArmActions.MACHINES_READ)
    @Operation(summary = "A machine with its connection status and the agent's read-only local configuration")
    public Uni<MachineView> get(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                @RestPath String machineName, @RestQuery("api-version") String apiVersion) {
        ApiVersions.requireHybridCompute(apiVersion);
        return machines.get(MachineAddress.of(subscriptionId, resourceGroupName, machineName)).map(this::view);
    }

    private MachineView view(MachineRow machine) {
        return MachineView.of(machine, machines.statusOf(machine), signingKey.publicKeyBase64(),
                catalogKey.publicKeysBase64());
    }
}

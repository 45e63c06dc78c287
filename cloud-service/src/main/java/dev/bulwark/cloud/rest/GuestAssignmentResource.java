package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.rest.model.GuestAssignmentView;
import dev.bulwark.cloud.rest.model.ResourceList;
import dev.bulwark.cloud.service.GuestAssignmentAddress;
import dev.bulwark.cloud.service.GuestAssignmentRequest;
import dev.bulwark.cloud.service.GuestAssignmentService;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.rest.body.GuestAssignmentBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code Microsoft.GuestConfiguration/guestConfigurationAssignments} of a machine: audit rule sets the
 * machine evaluates while its local {@code guestconfiguration.enabled} allows. Writes are synchronous
 * (201/200, 200/204 for DELETE); compliance arrives later with the machine's report.
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.HybridCompute/machines/{machineName}/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments")
@Produces(MediaType.APPLICATION_JSON)
public class GuestAssignmentResource {
    @Inject
    CallerContext caller;

    @Inject
    GuestAssignmentService assignments;
    @Inject
    CloudConfig config;

    @GET
    @ArmAction(ArmActions.GUEST_ASSIGNMENTS_READ)
    @Operation(summary = "The guest configuration assignments of a machine")
    public Uni<ResourceList<GuestAssignmentView>> list(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                       @RestPath String machineName, @RestQuery("api-version") String apiVersion) {
        MachineAddress machine = MachineAddress.of(subscriptionId, resourceGroupName, machineName);
        return assignments.list(machine).map(found -> new ResourceList<>(found.stream()
                .map(a -> GuestAssignmentView.of(machineUri(machine), a)).toList()));
    }

    @GET
    @ArmAction(ArmActions.GUEST_ASSIGNMENTS_READ)
    @Path("{guestConfigurationAssignmentName}")
    @Operation(summary = "An assignment: its rules, complianceStatus and the latest report")
    public Uni<GuestAssignmentView> get(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                        @RestPath String machineName, @RestPath String guestConfigurationAssignmentName,
                                        @RestQuery("api-version") String apiVersion) {
        GuestAssignmentAddress address = address(subscriptionId, resourceGroupName, machineName, guestConfigurationAssignmentName);
        return assignments.get(address).map(a -> GuestAssignmentView.of(machineUri(address.machine()), a));
    }

    @PUT
    @ArmAction(ArmActions.GUEST_ASSIGNMENTS_WRITE)
    @Path("{guestConfigurationAssignmentName}")
    @Operation(summary = "Assign an audit rule set to a machine (201 when new, 200 when replaced; compliance is Pending"
            + " until the machine reports)")
    public Uni<RestResponse<GuestAssignmentView>> put(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                      @RestPath String machineName,
                                                      @RestPath String guestConfigurationAssignmentName,
                                                      @RestQuery("api-version") String apiVersion,
                                                      @Valid GuestAssignmentBody body,
                                                      @Context HttpHeaders headers, @Context UriInfo uri) {
        GuestAssignmentAddress address = address(subscriptionId, resourceGroupName, machineName, guestConfigurationAssignmentName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        GuestAssignmentRequest desired = body.toRequest();
        return assignments.put(address, desired, request.requester()).map(written -> RestResponse.ResponseBuilder
                .create(written.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                        GuestAssignmentView.of(machineUri(address.machine()), written.assignment()))
                .header(ArmRequest.CORRELATION_HEADER, request.correlationId()).build());
    }

    @DELETE
    @ArmAction(ArmActions.GUEST_ASSIGNMENTS_DELETE)
    @Path("{guestConfigurationAssignmentName}")
    @Operation(summary = "Withdraw an assignment from a machine (200; 204 when there is none)")
    public Uni<RestResponse<Void>> delete(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                          @RestPath String machineName, @RestPath String guestConfigurationAssignmentName,
                                          @RestQuery("api-version") String apiVersion,
                                          @Context HttpHeaders headers, @Context UriInfo uri) {
        GuestAssignmentAddress address = address(subscriptionId, resourceGroupName, machineName, guestConfigurationAssignmentName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        return assignments.delete(address, request.requester()).map(deleted -> RestResponse.ResponseBuilder
                .<Void>create(deleted ? RestResponse.Status.OK : RestResponse.Status.NO_CONTENT)
                .header(ArmRequest.CORRELATION_HEADER, request.correlationId()).build());
    }

    private static GuestAssignmentAddress address(String subscriptionId, String resourceGroupName, String machineName,
                                                  String assignmentName) {
        return GuestAssignmentAddress.of(MachineAddress.of(subscriptionId, resourceGroupName, machineName), assignmentName);
    }

    /** The machine's id in the client's spelling (ARM echoes the case of the request path). */
    private static String machineUri(MachineAddress machine) {
        return "/subscriptions/" + machine.subscriptionId() + "/resourceGroups/" + machine.resourceGroup()
                + "/providers/Microsoft.HybridCompute/machines/" + machine.machineName();
    }
}

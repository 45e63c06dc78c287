package dev.bulwark.cloud.rest;

import java.util.List;
import dev.bulwark.model.OperationKind;
import dev.bulwark.cloud.service.rollout.RolloutDefinition;
import dev.bulwark.cloud.security.Caller;
import dev.bulwark.cloud.security.ArmScopes;
import dev.bulwark.cloud.security.ArmAuthorizationFilter;
import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.rest.model.OperationStatusView;
import dev.bulwark.cloud.rest.model.PagedList;
import dev.bulwark.cloud.rest.model.RolloutMachineView;
import dev.bulwark.cloud.rest.model.RolloutView;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.MachineService;
import dev.bulwark.cloud.service.OperationStatus;
import dev.bulwark.cloud.service.rollout.RolloutAddress;
import dev.bulwark.cloud.service.rollout.RolloutService;
import dev.bulwark.cloud.service.rollout.RolloutStates;
import dev.bulwark.cloud.signing.CatalogSigningKey;
import dev.bulwark.cloud.signing.CloudSigningKey;
import dev.bulwark.cloud.rest.body.FleetRegistrationBody;
import dev.bulwark.cloud.rest.body.RolloutBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Bulwark.Fleet}: operations on many machines at once, which Azure has no resource for. Rollouts
 * ({@code extensionRollouts}) send one extension operation to every machine of a target in stages; a
 * simulated fleet registers its machines in bulk ({@code registerMachines}).
 */
@Path("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Bulwark.Fleet")
@Produces(MediaType.APPLICATION_JSON)
public class FleetResource {
    @Inject
    CallerContext caller;
    private static final Pattern MACHINE_FILTER = Pattern.compile(
            "^\\s*(state|predictedState)\\s+eq\\s+'([A-Za-z]{1,20})'\\s*(?:and\\s+(state|predictedState)\\s+eq\\s+'([A-Za-z]{1,20})'\\s*)?$");
    private static final int MACHINE_PAGE = 1000;

    @Inject
    RolloutService rollouts;
    @Inject
    MachineService machines;
    @Inject
    CloudSigningKey signingKey;
    @Inject
    CatalogSigningKey catalogKey;
    @Inject
    CloudConfig config;

    @POST
    @ArmAction(value = ArmActions.MACHINES_WRITE, onboarding = true)
    @Path("registerMachines")
    @Operation(summary = "Register up to 5,000 machines of one resource group at once (a simulated fleet's connect)")
    public Uni<Map<String, Object>> registerMachines(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                     @RestQuery("api-version") String apiVersion,
                                                     @Valid FleetRegistrationBody body, @Context HttpHeaders headers) {
        MachineAddress.of(subscriptionId, resourceGroupName, "x"); // checks the path's names
        var fleet = body.toRegistrations();
        return machines.registerAll(subscriptionId, resourceGroupName, fleet, caller.caller(),
                ArmRequest.correlationIdOf(headers)).map(registered -> Map.of(
                "registered", registered.size(),
                "created", (int) registered.stream().filter(r -> r.created()).count(),
                "properties", Map.of("cloudSigningKey", signingKey.publicKeyBase64(),
                        "catalogSigningKeys", catalogKey.publicKeysBase64())));
    }

    @PUT
    @ArmAction(ArmActions.ROLLOUTS_WRITE)
    @Path("extensionRollouts/{rolloutName}")
    @Operation(summary = "Start a rollout: one extension operation on every machine of a target, in stages"
            + " (202, poll Azure-AsyncOperation); with whatIf, only the prediction (200)")
    public Uni<RestResponse<RolloutView>> put(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                              @RestPath String rolloutName, @RestQuery("api-version") String apiVersion,
                                              @Valid RolloutBody body, @Context HttpHeaders headers, @Context UriInfo uri) {
        RolloutAddress address = RolloutAddress.of(subscriptionId, resourceGroupName, rolloutName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        var submission = body.toSubmission();
        authorizeTarget(subscriptionId, resourceGroupName, submission.definition());
        return rollouts.put(address, submission, request.requester())
                .chain(rollout -> rollouts.status(rollout).map(status -> {
                    RolloutView view = RolloutView.of(rollout, submission.definition(), status);
                    if (rollout.whatIf()) {
                        return RestResponse.ok(view);
                    }
                    String poll = request.baseUrl() + "/subscriptions/" + rollout.subscriptionId()
                            + "/providers/Bulwark.Fleet/locations/" + rollout.location() + "/operationStatuses/" + rollout.id()
                            + "?api-version=" + apiVersion;
                    return RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, view)
                            .header("Azure-AsyncOperation", poll)
                            .header("Location", request.baseUrl() + uri.getPath() + "?api-version=" + apiVersion)
                            .header("Retry-After", Integer.toString(config.retryAfterSeconds()))
                            .header(ArmRequest.CORRELATION_HEADER, request.correlationId())
                            .build();
                }));
    }

    /**
     * A rollout acts on its target's machines, which may lie outside its resource group: the caller must be
     * allowed the extension operation itself where the target is (the subscription, the resource group, or each
     * listed machine), not only to write rollouts here.
     */
    private void authorizeTarget(String subscriptionId, String resourceGroup, RolloutDefinition definition) {
        Caller.Principal principal = caller.principal();
        String action = definition.operation() == OperationKind.DELETE ? ArmActions.EXTENSIONS_DELETE : ArmActions.EXTENSIONS_WRITE;
        String subscription = ArmScopes.subscription(subscriptionId);
        String group = subscription + "/resourceGroups/" + resourceGroup;
        List<String> listed = definition.target().machines();
        List<String> scopes = !listed.isEmpty()
                ? listed.stream().map(m -> m.startsWith("/") ? m : group + "/providers/Microsoft.HybridCompute/machines/" + m).toList()
                : List.of(definition.target().scope() == RolloutDefinition.Scope.Subscription ? subscription : group);
        for (String scope : scopes) {
            if (principal.authorize(action, scope).isEmpty()) {
                throw ArmAuthorizationFilter.forbidden(principal, action, scope);
            }
        }
    }

    @GET
    @ArmAction(ArmActions.ROLLOUTS_READ)
    @Path("extensionRollouts/{rolloutName}")
    @Operation(summary = "A rollout: counts per stage and in total by state and error code, and how its predictions fared")
    public Uni<RolloutView> get(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                @RestPath String rolloutName, @RestQuery("api-version") String apiVersion) {
        RolloutAddress address = RolloutAddress.of(subscriptionId, resourceGroupName, rolloutName);
        return rollouts.get(address).chain(rollout -> rollouts.status(rollout)
                .map(status -> RolloutView.of(rollout, RolloutService.definition(rollout), status)));
    }

    @POST
    @ArmAction(ArmActions.ROLLOUTS_CANCEL)
    @Path("extensionRollouts/{rolloutName}/cancel")
    @Operation(summary = "Cancel a rollout: machines not sent yet are skipped, those in flight finish (202)")
    public Uni<RestResponse<Void>> cancel(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                          @RestPath String rolloutName, @RestQuery("api-version") String apiVersion,
                                          @Context HttpHeaders headers, @Context UriInfo uri) {
        RolloutAddress address = RolloutAddress.of(subscriptionId, resourceGroupName, rolloutName);
        ArmRequest request = ArmRequest.of(apiVersion, headers, uri, config, caller);
        return rollouts.cancel(address, request.requester()).map(rollout -> RestResponse.ResponseBuilder.<Void>create(
                        RestResponse.Status.ACCEPTED)
                .header("Azure-AsyncOperation", request.baseUrl() + "/subscriptions/" + rollout.subscriptionId()
                        + "/providers/Bulwark.Fleet/locations/" + rollout.location() + "/operationStatuses/" + rollout.id()
                        + "?api-version=" + apiVersion)
                .header(ArmRequest.CORRELATION_HEADER, request.correlationId())
                .build());
    }

    @GET
    @ArmAction(ArmActions.ROLLOUTS_READ)
    @Path("extensionRollouts/{rolloutName}/machines")
    @Operation(summary = "A rollout's machines with their outcomes and predictions, paged;"
            + " $filter=state eq 'Failed' and/or predictedState eq 'Blocked'")
    public Uni<PagedList<RolloutMachineView>> machines(@RestPath String subscriptionId, @RestPath String resourceGroupName,
                                                       @RestPath String rolloutName,
                                                       @RestQuery("api-version") String apiVersion,
                                                       @RestQuery("$filter") String filter,
                                                       @RestQuery("$skipToken") String skipToken, @Context UriInfo uri) {
        RolloutAddress address = RolloutAddress.of(subscriptionId, resourceGroupName, rolloutName);
        String[] states = machineFilter(filter);
        String after = skipToken == null || skipToken.isBlank() ? null : decodeToken(skipToken);
        // A rollout's target may reach past its resource group: list only the machines the caller may read.
        List<String> readable = caller.principal().allowedScopesWithin(ArmActions.MACHINES_READ, ArmScopes.subscription(subscriptionId));
        return rollouts.get(address).chain(rollout -> rollouts.machines(rollout, states[0], states[1], after, MACHINE_PAGE + 1))
                .map(found -> {
                    boolean more = found.size() > MACHINE_PAGE;
                    var page = found.subList(0, Math.min(found.size(), MACHINE_PAGE));
                    String next = more ? uri.getBaseUri().toString().replaceAll("/$", "") + uri.getPath()
                            + "?api-version=" + apiVersion + (filter == null ? "" : "&$filter=" + encode(filter))
                            + "&$skipToken=" + encodeToken(page.get(page.size() - 1).machineId()) : null;
                    return new PagedList<>(page.stream()
                            .filter(m -> readable.stream().anyMatch(scope -> ArmScopes.contains(scope, m.machineId())))
                            .map(RolloutMachineView::of).toList(), next);
                });
    }

    /** {state, predictedState}, each null when not filtered. */
    private static String[] machineFilter(String filter) {
        String[] states = new String[2];
        if (filter == null || filter.isBlank()) {
            return states;
        }
        Matcher matcher = MACHINE_FILTER.matcher(filter);
        if (!matcher.matches()) {
            throw new ApiException(dev.bulwark.cloud.error.ArmErrorCode.InvalidFilter, "$filter supports state eq '<state>'"
                    + " and predictedState eq '<state>', joined by 'and'.", "$filter");
        }
        for (int group = 1; group <= 3 && matcher.group(group) != null; group += 2) {
            states["state".equals(matcher.group(group)) ? 0 : 1] = matcher.group(group + 1);
        }
        return states;
    }

    private static String encodeToken(String machineId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(machineId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("$skipToken", "$skipToken is not a token this service issued;"
                    + " follow nextLink as returned.");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Where ARM clients poll a rollout: InProgress while it runs, then Succeeded, Failed or Canceled. */
    static OperationStatus operationStatus(dev.bulwark.cloud.repository.row.RolloutRow rollout) {
        String status = RolloutStates.isActive(rollout.state()) ? OperationStatus.IN_PROGRESS
                : RolloutStates.WHAT_IF.equals(rollout.state()) ? OperationStatus.SUCCEEDED : rollout.state();
        boolean failed = RolloutStates.FAILED.equals(status) || RolloutStates.CANCELED.equals(status);
        return new OperationStatus(rollout.id(), status, rollout.createdAt(), rollout.endTime(),
                failed ? "Rollout" + status : null, failed ? rollout.message() : null);
    }

    static OperationStatusView statusView(String id, dev.bulwark.cloud.repository.row.RolloutRow rollout) {
        return OperationStatusView.of(id, operationStatus(rollout));
    }
}

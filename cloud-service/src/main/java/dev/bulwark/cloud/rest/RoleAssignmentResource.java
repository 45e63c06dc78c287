package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.RoleAssignmentRepository;
import dev.bulwark.cloud.rest.model.ResourceList;
import dev.bulwark.cloud.rest.model.RoleAssignmentView;
import dev.bulwark.cloud.rest.model.RoleDefinitionView;
import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.ArmScopes;
import dev.bulwark.cloud.security.BuiltInRoles;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.security.RoleAssignment;
import dev.bulwark.cloud.security.RoleAssignmentScopes;
import dev.bulwark.cloud.security.RoleDefinition;
import dev.bulwark.model.policy.ReservedNamespaces;
import dev.bulwark.cloud.rest.body.RoleAssignmentBody;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * {@code Microsoft.Authorization/roleAssignments} at any scope ({@code /}, a subscription, a resource group, a
 * machine, a publisher namespace) and the built-in role definitions, in ARM's shapes.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class RoleAssignmentResource {
    private static final Pattern GUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final String ASSIGNMENTS = "{scope: .*}/providers/Microsoft.Authorization/roleAssignments";

    @Inject
    RoleAssignmentRepository assignments;
    @Inject
    CallerContext caller;

    @PUT
    @Path(ASSIGNMENTS + "/{roleAssignmentName}")
    @ArmAction(value = ArmActions.ROLE_ASSIGNMENTS_WRITE, scope = ArmAction.ScopeRule.AUTHORIZATION_SCOPE)
    @Operation(summary = "Assign a role to a principal at this scope (Owner only; reserved publisher namespaces cannot be assigned here)")
    public Uni<RestResponse<RoleAssignmentView>> put(@RestPath String roleAssignmentName, @RestQuery("api-version") String apiVersion,
                                                     UriInfo uri, @Valid RoleAssignmentBody body) {
        String scope = RoleAssignmentScopes.of(uri.getPath());
        requireGuid(roleAssignmentName);
        RoleAssignmentBody.Properties properties = body.properties();
        RoleDefinition role = BuiltInRoles.find(properties.roleDefinitionId()).orElseThrow(() ->
                new ApiException(ArmErrorCode.InvalidParameter, "properties.roleDefinitionId names no role definition of this"
                        + " service (GET /providers/Microsoft.Authorization/roleDefinitions lists them).", "properties.roleDefinitionId"));
        String principalId = properties.principalId();
        if (ArmScopes.isPublisherScope(scope) && ReservedNamespaces.isReserved(ArmScopes.namespaceOf(scope))) {
            throw new ApiException(ArmErrorCode.AuthorizationFailed, "The publisher namespace '" + ArmScopes.namespaceOf(scope)
                    + "' is reserved for its vendor; only the service's operator can grant it (docs/security.md).");
        }
        RoleAssignment assignment = new RoleAssignment(roleAssignmentName.toLowerCase(), scope, role, principalId);
        return assignments.create(assignment, caller.caller().name(), Instant.now()).chain(created -> created
                ? Uni.createFrom().item(RestResponse.status(RestResponse.Status.CREATED, RoleAssignmentView.of(assignment)))
                : assignments.find(scope, assignment.name()).map(existing -> {
                    if (existing == null || !existing.role().equals(role) || !existing.principalId().equals(principalId)) {
                        throw new ApiException(ArmErrorCode.Conflict, "The role assignment '" + roleAssignmentName
                                + "' already exists with another role, principal or scope; role assignments cannot be changed, only deleted.");
                    }
                    return RestResponse.ok(RoleAssignmentView.of(existing));
                }));
    }

    @GET
    @Path(ASSIGNMENTS + "/{roleAssignmentName}")
    @ArmAction(value = ArmActions.ROLE_ASSIGNMENTS_READ, scope = ArmAction.ScopeRule.AUTHORIZATION_SCOPE)
    public Uni<RoleAssignmentView> get(@RestPath String roleAssignmentName, @RestQuery("api-version") String apiVersion, UriInfo uri) {
        String scope = RoleAssignmentScopes.of(uri.getPath());
        return assignments.find(scope, roleAssignmentName.toLowerCase()).map(found -> {
            if (found == null) {
                throw notFound(roleAssignmentName);
            }
            return RoleAssignmentView.of(found);
        });
    }

    @GET
    @Path(ASSIGNMENTS)
    @ArmAction(value = ArmActions.ROLE_ASSIGNMENTS_READ, scope = ArmAction.ScopeRule.AUTHORIZATION_SCOPE)
    @Operation(summary = "Role assignments at this scope and below it ($filter=atScope() for this scope only)")
    public Uni<ResourceList<RoleAssignmentView>> list(@RestQuery("api-version") String apiVersion,
                                                      @RestQuery("$filter") String filter, UriInfo uri) {
        String scope = RoleAssignmentScopes.of(uri.getPath());
        boolean atScope = filter != null && filter.replace(" ", "").equalsIgnoreCase("atScope()");
        if (filter != null && !atScope) {
            throw new ApiException(ArmErrorCode.InvalidFilter, "Only $filter=atScope() is supported here.", "$filter");
        }
        return assignments.list(scope, atScope).map(found -> new ResourceList<>(found.stream().map(RoleAssignmentView::of).toList()));
    }

    @DELETE
    @Path(ASSIGNMENTS + "/{roleAssignmentName}")
    @ArmAction(value = ArmActions.ROLE_ASSIGNMENTS_DELETE, scope = ArmAction.ScopeRule.AUTHORIZATION_SCOPE)
    public Uni<RestResponse<Void>> delete(@RestPath String roleAssignmentName, @RestQuery("api-version") String apiVersion, UriInfo uri) {
        String scope = RoleAssignmentScopes.of(uri.getPath());
        return assignments.delete(scope, roleAssignmentName.toLowerCase())
                .map(deleted -> deleted ? RestResponse.<Void>ok() : RestResponse.<Void>noContent());
    }

    @GET
    @Path("{scope: .*}/providers/Microsoft.Authorization/roleDefinitions")
    @ArmAction(value = ArmActions.ROLE_DEFINITIONS_READ, scope = ArmAction.ScopeRule.AUTHENTICATED)
    @Operation(summary = "The built-in role definitions and the ARM actions each allows")
    public ResourceList<RoleDefinitionView> roleDefinitions(@RestQuery("api-version") String apiVersion) {
        return new ResourceList<>(BuiltInRoles.ALL.stream().map(RoleDefinitionView::of).toList());
    }

    private static void requireGuid(String name) {
        if (!GUID.matcher(name).matches()) {
            throw new ApiException(ArmErrorCode.InvalidResourceName, "A role assignment's name must be a GUID.", "roleAssignmentName");
        }
    }

    private static ApiException notFound(String name) {
        return new ApiException(ArmErrorCode.ResourceNotFound, "The role assignment '" + name + "' is not found.");
    }

}

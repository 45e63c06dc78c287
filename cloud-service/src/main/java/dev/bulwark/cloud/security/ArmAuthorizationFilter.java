package dev.bulwark.cloud.security;

import dev.bulwark.cloud.config.AuthConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.RoleAssignmentRepository;
import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.model.auth.OnboardingSecretHeaders;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jose4j.jwt.consumer.InvalidJwtException;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Every API call: who is it (a bearer token the configured issuer signed, ARM's 401 codes otherwise), and may
 * they do this ({@link ArmAction} on the method, checked against their role assignments, ARM's 403
 * otherwise). Runs before the method, so a refused request changes nothing. Methods without
 * {@link ArmAction} or {@link PublicEndpoint} are refused: a new endpoint is closed until it says what it does.
 */
public class ArmAuthorizationFilter {
    private static final Logger LOG = Logger.getLogger(ArmAuthorizationFilter.class);

    @Inject
    CurrentIdentityAssociation identities;
    @Inject
    RoleAssignmentRepository roleAssignments;
    @Inject
    CallerContext context;
    @Inject
    AuthConfig config;

    @ServerRequestFilter
    public Uni<Response> authorize(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null || method.isAnnotationPresent(PublicEndpoint.class)) {
            return Uni.createFrom().nullItem();
        }
        ArmAction action = method.getAnnotation(ArmAction.class);
        if (action == null) {
            LOG.errorf("%s.%s has no @ArmAction: refused", method.getDeclaringClass().getSimpleName(), method.getName());
            throw new ApiException(ArmErrorCode.AuthorizationFailed, "This operation is not open to any caller.");
        }
        String authorization = request.getHeaderString("Authorization");
        String machineToken = MachineTokens.fromHeader(authorization);
        if (action.onboarding() && machineToken != null) {
            context.set(new Caller.Machine(machineToken), null);
            return Uni.createFrom().nullItem();
        }
        String activationId = request.getHeaderString(OnboardingSecretHeaders.ACTIVATION_ID);
        if (action.onboarding() && authorization == null && activationId != null) {
            context.set(new Caller.Activation(activationId, request.getHeaderString(OnboardingSecretHeaders.ACTIVATION_CODE)), null);
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .onFailure(AuthenticationFailedException.class).transform(ArmAuthorizationFilter::unauthenticated)
                .chain(identity -> principal(identity, authorization))
                .map(principal -> {
                    authorize(principal, action, scope(action, request));
                    return null;
                });
    }

    private void authorize(Caller.Principal principal, ArmAction action, String scope) {
        switch (action.scope()) {
            case AUTHENTICATED -> context.set(principal, new Grant(action.value(), "any authenticated principal", scope,
                    principal.claims()));
            case WITHIN_SUBSCRIPTION, WITHIN_RESOURCE -> {
                List<String> allowed = principal.allowedScopesWithin(action.value(), scope);
                if (allowed.isEmpty()) {
                    throw forbidden(principal, action.value(), scope);
                }
                context.set(principal, principal.authorize(action.value(), allowed.get(0)).orElseThrow(), allowed);
            }
            default -> context.set(principal, principal.authorize(action.value(), scope)
                    .orElseThrow(() -> forbidden(principal, action.value(), scope)));
        }
    }

    private Uni<Caller.Principal> principal(SecurityIdentity identity, String authorization) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw authorization == null
                    ? new ApiException(ArmErrorCode.AuthenticationFailed, "Authentication failed. The 'Authorization' header is missing.")
                    : new ApiException(ArmErrorCode.InvalidAuthenticationToken,
                    "The 'Authorization' header must be 'Bearer <access token>'.");
        }
        String oid = TokenRoleAssignments.text(token.getClaim("oid"));
        String principalId = oid != null ? oid : token.getSubject();
        if (principalId == null) {
            throw new ApiException(ArmErrorCode.InvalidAuthenticationToken,
                    "The access token is invalid: it has neither an 'oid' nor a 'sub' claim.");
        }
        List<RoleAssignment> fromToken = config.tokenRoleAssignments()
                ? TokenRoleAssignments.of(token.getClaim(Caller.ROLE_ASSIGNMENTS_CLAIM), principalId) : List.of();
        return roleAssignments.forPrincipal(principalId).map(stored -> {
            List<RoleAssignment> all = new ArrayList<>(fromToken);
            all.addAll(stored);
            return new Caller.Principal(principalId, token.getName() == null ? principalId : token.getName(), all,
                    TokenClaims.of(token));
        });
    }

    private static String scope(ArmAction action, ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        return switch (action.scope()) {
            case RESOURCE, WITHIN_RESOURCE -> ArmScopes.ofPath(path);
            case WITHIN_SUBSCRIPTION, AUTHENTICATED -> ArmScopes.subscriptionOf(path);
            case PUBLISHER -> ArmScopes.publisher(request.getUriInfo().getPathParameters().getFirst("publisherName"));
            case AUTHORIZATION_SCOPE -> RoleAssignmentScopes.of(path);
        };
    }

    public static ApiException forbidden(Caller.Principal principal, String action, String scope) {
        return new ApiException(ArmErrorCode.AuthorizationFailed, "The client '" + principal.name() + "' with object id '"
                + principal.principalId() + "' does not have authorization to perform action '" + action + "' over scope '"
                + scope + "' or the scope is invalid. If access was recently granted, please refresh your credentials.");
    }

    /** ARM's 401 codes: an expired token is told apart, any other invalid token is not explained further. */
    private static ApiException unauthenticated(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid && invalid.hasExpired()) {
                return new ApiException(ArmErrorCode.ExpiredAuthenticationToken,
                        "The access token has expired. Get a new token and retry.");
            }
        }
        return new ApiException(ArmErrorCode.InvalidAuthenticationToken, "The access token is invalid: its signature, issuer,"
                + " audience or lifetime is not accepted by this service.");
    }
}

package dev.bulwark.cloud.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The api-version of every ARM request, checked after authentication and authorization and before the body is
 * read or validated: ARM answers a wrong or missing version first, whatever else is wrong with the request.
 */
public class ApiVersionFilter {

    @ServerRequestFilter(priority = Priorities.USER + 100) // after ArmAuthorizationFilter (USER)
    public void check(ContainerRequestContext request) {
        ApiVersions.requireFor(request.getUriInfo().getPath(), request.getUriInfo().getQueryParameters().getFirst("api-version"));
    }
}

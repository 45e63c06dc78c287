package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.AuthConfig;
import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.security.PublicEndpoint;
import dev.bulwark.cloud.signing.BuiltInIssuer;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Map;

/** The built-in issuer's discovery document and public keys: what any OIDC-aware verifier fetches. */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public class WellKnownResource {
    @Inject
    BuiltInIssuer issuer;
    @Inject
    AuthConfig auth;
    @Inject
    CloudConfig config;

    @GET
    @Path("jwks.json")
    @PublicEndpoint
    public String jwks() {
        return issuer.jwks().orElseThrow(WellKnownResource::noIssuer);
    }

    @GET
    @Path("openid-configuration")
    @PublicEndpoint
    public Map<String, Object> openidConfiguration(UriInfo uri) {
        issuer.jwks().orElseThrow(WellKnownResource::noIssuer);
        String base = config.publicUrl().map(Object::toString).orElse(uri.getBaseUri().toString()).replaceAll("/$", "");
        return Map.of("issuer", auth.issuer(), "jwks_uri", base + "/.well-known/jwks.json",
                "id_token_signing_alg_values_supported", List.of("RS256"), "response_types_supported", List.of("token"),
                "subject_types_supported", List.of("public"));
    }

    private static ApiException noIssuer() {
        return new ApiException(ArmErrorCode.NotFound, "The built-in token issuer is off: tokens come from the configured identity provider.");
    }
}

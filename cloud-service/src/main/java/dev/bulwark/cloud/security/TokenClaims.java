package dev.bulwark.cloud.security;

import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The claims of a bearer token that the activity log keeps with each event, as Azure's {@code claims}: who the
 * principal is, who issued the token for which audience, and when it was valid. Only these, named here, are kept:
 * never the token, its signature, or any other claim a token may carry.
 */
final class TokenClaims {
    static final List<String> KEPT = List.of("iss", "aud", "sub", "oid", "tid", "name", "preferred_username", "upn",
            "appid", "azp", "iat", "nbf", "exp");

    private TokenClaims() {
    }

    static Map<String, String> of(JsonWebToken token) {
        Map<String, String> kept = new TreeMap<>();
        for (String name : KEPT) {
            Object value = token.getClaim(name);
            if (value instanceof java.util.Collection<?> values) {
                // An audience may be a list; Azure's claims are strings.
                kept.put(name, String.join(",", values.stream().map(TokenRoleAssignments::text).toList()));
            } else if (value != null) {
                kept.put(name, TokenRoleAssignments.text(value));
            }
        }
        return kept;
    }
}

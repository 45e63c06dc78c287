package dev.bulwark.cloud.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who sent the request, as proven: a principal with a bearer token (and its role assignments), or, on machine
 * registration only, an onboarding secret or a token signed by the machine's own key. Never taken from a
 * header the client chooses to send.
 */
public sealed interface Caller {
    /** The token claim in which the built-in issuer's tokens carry role assignments: [{"role", "scope"}]. */
    String ROLE_ASSIGNMENTS_CLAIM = "roleAssignments";

    /** What the activity log records as {@code caller}. */
    String name();

    /**
     * A person or program with a bearer token.
     *
     * @param claims the token's identifying claims ({@link TokenClaims}), kept with what it is granted
     */
    record Principal(String principalId, String name, List<RoleAssignment> assignments,
                     Map<String, String> claims) implements Caller {
        public Principal {
            assignments = List.copyOf(assignments);
            claims = Map.copyOf(claims);
        }

        public Optional<Grant> authorize(String action, String resource) {
            return Authorizer.authorize(assignments, action, resource).map(grant -> grant.withClaims(claims));
        }

        public List<String> allowedScopesWithin(String action, String within) {
            return Authorizer.allowedScopesWithin(assignments, action, within);
        }
    }

    /** An onboarding secret ({@code OnboardingSecretHeaders}). */
    record Activation(String activationId, String code) implements Caller {
        @Override
        public String name() {
            return "onboarding secret " + activationId;
        }
    }

    /** {@code Authorization: Machine <JWT signed by the machine's key>}; the registration checks it against the stored key. */
    record Machine(String token) implements Caller {
        @Override
        public String name() {
            return "machine";
        }
    }
}

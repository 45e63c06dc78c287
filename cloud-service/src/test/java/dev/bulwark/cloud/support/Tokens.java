package dev.bulwark.cloud.support;

import dev.bulwark.infra.DevTokens;
import dev.bulwark.infra.DevTokens.Role;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Bearer tokens from the built-in issuer of the cloud under test (its key is in {@code target/cloud-key}). */
public final class Tokens {
    /** Owner of everything, and publisher of the namespaces the tests publish into. */
    public static final String TEST_ADMIN = "test-admin@bulwark.test";

    private Tokens() {
    }

    public static DevTokens issuer() {
        return DevTokens.fromKeyDir(Path.of("target/cloud-key"));
    }

    public static String of(String principal, Role... roles) {
        return issuer().mint(principal, List.of(roles), Duration.ofHours(1));
    }

    public static String admin() {
        return of(TEST_ADMIN, new Role("Owner", "/"),
                new Role("Extension Publisher", "/providers/Microsoft.HybridCompute/publishers/Contoso.Monitoring"),
                new Role("Extension Publisher", "/providers/Microsoft.HybridCompute/publishers/Fabrikam.Storage"),
                new Role("Extension Publisher", "/providers/Microsoft.HybridCompute/publishers/Fabrikam.Tools"));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}

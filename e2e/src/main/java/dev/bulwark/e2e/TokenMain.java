package dev.bulwark.e2e;

import dev.bulwark.infra.DevTokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./bulwark token}: a bearer token from the local cloud's built-in issuer, for curl, scripts and the
 * Azure SDKs. Development only: whoever can read the issuer's key can be anyone (docs/security.md).
 */
@Command(name = "bulwark token", mixinStandardHelpOptions = true,
        description = "Print a bearer token of the local cloud's built-in issuer.")
public final class TokenMain implements Callable<Integer> {
    @Option(names = "--principal", required = true, description = "Who the token is for (its upn; its oid derives from it).")
    String principal;

    @Option(names = "--role", required = true, split = ",", description = "Role name(s): Reader, Contributor, Owner,"
            + " 'Azure Connected Machine Onboarding', 'Azure Connected Machine Resource Administrator', 'Extension Publisher'.")
    List<String> roles;

    @Option(names = "--scope", defaultValue = "/", description = "Where the roles apply: /, /subscriptions/S[/resourceGroups/RG[...]],"
            + " or /providers/Microsoft.HybridCompute/publishers/NAMESPACE (default: /).")
    String scope;

    @Option(names = "--expires", defaultValue = "PT1H", description = "Lifetime, ISO-8601 (default: PT1H).")
    Duration expires;

    @Option(names = "--key-dir", description = "The cloud's key directory (default: that of ./bulwark up, else ./bulwark cloud).")
    Path keyDir;

    @Override
    public Integer call() {
        Path dir = keyDir != null ? keyDir : defaultKeyDir();
        DevTokens issuer;
        try {
            issuer = DevTokens.fromKeyDir(dir);
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            System.err.println("bulwark token: " + e.getMessage() + "; start the cloud first (./bulwark up, cloud or demo"
                    + " --keep-running) or give --key-dir");
            return 2;
        }
        System.out.println(issuer.mint(principal, roles.stream().map(r -> new DevTokens.Role(r.trim(), scope)).toList(), expires));
        System.err.println("principal " + principal + " (oid " + DevTokens.objectId(principal) + "), roles " + roles + " at " + scope
                + ", valid " + expires);
        return 0;
    }

    private static Path defaultKeyDir() {
        Path root = BulwarkSystem.checkout();
        for (Path candidate : List.of(root.resolve(".bulwark/up/cloud-keys"), root.resolve(".bulwark/cloud/cloud-keys"))) {
            if (Files.isDirectory(candidate.resolve("issuer"))) {
                return candidate;
            }
        }
        return Path.of(System.getProperty("user.home"), ".bulwark/cloud");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TokenMain()).execute(args));
    }
}

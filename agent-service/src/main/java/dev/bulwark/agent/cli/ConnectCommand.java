package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.identity.Connector;
import dev.bulwark.agent.identity.RegistrationCredential;
import dev.bulwark.agent.identity.KeyFingerprint;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.catalog.KeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code connect}: registers this machine (or a simulated fleet with {@code --count}) with the cloud and
 * trusts the cloud signing key it answers with, and the catalog signing keys it offers unless the
 * administrator pins catalog keys with {@code --catalog-key}. Only running this on the machine changes the
 * cloud key; catalog keys change only by this or {@code package trust add|remove}.
 *
 * <p>The cloud URL must be https; {@code --ca FILE} pins the CA whose certificates the machine trusts from
 * then on for every request, instead of the JVM's default trust store. Plain {@code http://} is refused unless
 * {@value #PLAIN_HTTP_FLAG} says this is a development setup.
 */
@Command(name = "connect", description = "Register with the cloud and trust its signing keys.")
final class ConnectCommand implements Callable<Integer> {
    private static final int MAX_FLEET = 1_000_000;
    static final String PLAIN_HTTP_FLAG = "--allow-plain-http";

    @Mixin
    CommonOptions common;

    @Option(names = "--cloud", required = true, paramLabel = "URL", description = "The cloud service's URL.")
    String cloud;

    @Option(names = {"--subscription", "-s"}, required = true, paramLabel = "S")
    String subscription;

    @Option(names = {"--resource-group", "-g"}, required = true, paramLabel = "RG")
    String resourceGroup;

    @Option(names = {"--machine", "-n"}, required = true, paramLabel = "NAME",
            description = "The machine's name; with --count, the prefix of NAME-0001...")
    String machine;

    @Option(names = "--count", paramLabel = "N",
            description = "Connect a simulated fleet of N machines under HOME/machines/, each with its own identity.")
    Integer count;

    @Option(names = "--token", paramLabel = "JWT", defaultValue = "${env:BULWARK_TOKEN}",
            description = "A bearer token of a principal allowed to register machines (the Azure Connected Machine"
                    + " Onboarding role or an administrator); default: $BULWARK_TOKEN.")
    String token;

    @Option(names = "--onboarding-secret", paramLabel = "ID:CODE", defaultValue = "${env:BULWARK_ONBOARDING_SECRET}",
            description = "An onboarding secret (activation id and code) instead of a token; default: $BULWARK_ONBOARDING_SECRET.")
    String onboardingSecret;

    @Option(names = "--catalog-key", paramLabel = "FILE",
            description = "Trust catalogs signed by this public key (repeatable) instead of the catalog keys the cloud"
                    + " offers, which are then ignored.")
    List<Path> catalogKeys = new ArrayList<>();

    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trust only this CA certificate (PEM) for the cloud's TLS from now on, instead of the JVM's"
                    + " default trust store; kept in HOME/" + PinnedCa.FILE + ".")
    Path ca;

    @Option(names = PLAIN_HTTP_FLAG,
            description = "Development only: accept an http:// cloud URL (registration and downloads unencrypted).")
    boolean allowPlainHttp;

    @Override
    public Integer call() throws IOException {
        URI cloudUrl = cloudUrl();
        PinnedCa pinned = pinnedCa(cloudUrl);
        if (subscription.isBlank() || resourceGroup.isBlank()) {
            throw CliException.usage("InvalidArgument", "--subscription and --resource-group must not be empty");
        }
        if (count != null && (count < 1 || count > MAX_FLEET)) {
            throw CliException.usage("InvalidArgument", "--count must be between 1 and " + MAX_FLEET + ", not " + count);
        }
        Connector.Request request = new Connector.Request(cloudUrl, subscription.trim(), resourceGroup.trim(), machine.trim(),
                count, pinnedKeys()).withCloudCa(pinned);
        List<String> names = Connector.machineNames(request);
        for (String name : List.of(names.get(0), names.get(names.size() - 1))) {
            if (!MachineIds.isValidName(name)) {
                throw CliException.usage("InvalidMachineName", "'" + name + "' is not a valid machine name: use 1 to 54"
                        + " letters, digits, '-', '_' or '.'");
            }
        }
        RegistrationCredential credential = credential();
        Path home = common.home();
        Connector.Outcome outcome = new Connector(credential).connect(home, request);
        print(home, outcome, pinned, cloudUrl);
        return outcome.failures().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Nothing registers anonymously: one of the two is required. */
    private RegistrationCredential credential() {
        boolean hasToken = token != null && !token.isBlank();
        boolean hasSecret = onboardingSecret != null && !onboardingSecret.isBlank();
        if (hasToken == hasSecret) {
            throw CliException.usage("MissingOnboardingCredential", hasToken
                    ? "give --token or --onboarding-secret, not both"
                    : "connect needs an onboarding credential: --token JWT (or $BULWARK_TOKEN) or --onboarding-secret ID:CODE"
                    + " (or $BULWARK_ONBOARDING_SECRET); nothing registers anonymously");
        }
        if (hasToken) {
            return new RegistrationCredential.BearerToken(token.trim());
        }
        try {
            return RegistrationCredential.OnboardingSecret.parse(onboardingSecret);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("InvalidArgument", "--onboarding-secret: " + e.getMessage());
        }
    }

    private List<PublicKey> pinnedKeys() {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : catalogKeys) {
            try {
                keys.add(KeyFiles.readPublic(file));
            } catch (java.nio.file.NoSuchFileException e) {
                throw CliException.usage("InvalidArgument", "--catalog-key " + file + " does not exist");
            } catch (IOException | IllegalArgumentException e) {
                throw CliException.usage("InvalidArgument", "--catalog-key " + file + ": " + e.getMessage());
            }
        }
        return keys;
    }

    private URI cloudUrl() {
        URI uri = null;
        try {
            uri = new URI(cloud.trim());
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw CliException.usage("InvalidArgument", "'" + cloud + "' is not an https:// URL");
        }
        if (scheme.equals("http") && !allowPlainHttp) {
            throw CliException.usage("PlainHttpRefused", "'" + cloud + "' is plain http: registration and downloads would"
                    + " cross the network unencrypted. Use the cloud's https:// URL (with --ca FILE when its certificate"
                    + " comes from a private CA), or, for development only, add " + PLAIN_HTTP_FLAG);
        }
        return uri;
    }

    /** The CA given with --ca, checked before anything is written; null: the JVM's default trust store. */
    private PinnedCa pinnedCa(URI cloudUrl) {
        if (ca == null) {
            return null;
        }
        if (!"https".equalsIgnoreCase(cloudUrl.getScheme())) {
            throw CliException.usage("InvalidArgument", "--ca pins the CA of an https:// cloud; '" + cloud + "' is not one");
        }
        try {
            return PinnedCa.fromFile(ca);
        } catch (java.nio.file.NoSuchFileException e) {
            throw CliException.usage("InvalidArgument", "--ca " + ca + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.usage("InvalidArgument", "--ca " + ca + ": " + e.getMessage());
        }
    }

    /** Which TLS trust the machines have from now on. */
    private static String tlsTrust(PinnedCa pinned, URI cloudUrl) {
        if (!"https".equalsIgnoreCase(cloudUrl.getScheme())) {
            return "none: plain http (" + PLAIN_HTTP_FLAG + ", development only)";
        }
        return pinned == null ? "the JVM's default trust store (no --ca given)"
                : "pinned CA " + pinned.fingerprint() + " (--ca; only 'connect' on this machine changes it)";
    }

    /** Each catalog key stored, once for a whole fleet, with its key id (the fingerprint 'package trust list' shows). */
    private static void printCatalogKeys(PrintWriter out, List<Connector.Connected> connected) {
        connected.stream().flatMap(c -> c.catalogKeyIds().stream().map(id -> id + (c.catalogKeysPinned()
                        ? " (pinned with --catalog-key)" : " (offered by the cloud, trusted from now on)")))
                .distinct().forEach(line -> out.println("  catalog key       : " + line));
        if (connected.stream().anyMatch(c -> c.trustedCatalogKeys() == 0)) {
            out.println("WARNING: no catalog signing key is trusted, so every install and upgrade will fail package"
                    + " verification. Add one with: bulwark-agent package trust add --key FILE");
        } else if (!connected.isEmpty()) {
            out.println("  catalog keys change only with 'bulwark-agent package trust add|remove' on this machine");
        }
    }

    private void print(Path home, Connector.Outcome outcome, PinnedCa pinned, URI cloudUrl) {
        if (common.json()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("cloudCaFingerprint", pinned == null ? null : pinned.fingerprint());
            ArrayNode machines = body.putArray("connected");
            for (Connector.Connected c : outcome.connected()) {
                machines.addObject().put("machine", c.identity().machineName()).put("machineId", c.identity().machineId())
                        .put("home", c.home().toString()).put("cloudKeyFingerprint", c.identity().cloudKeyFingerprint())
                        .put("cloudKeyChanged", c.previousCloudKey() != null)
                        .put("catalogKeysSource", c.catalogKeysPinned() ? "pinned" : "cloud")
                        .put("trustedCatalogKeys", c.trustedCatalogKeys())
                        .set("catalogKeyIds", Json.MAPPER.valueToTree(c.catalogKeyIds()));
            }
            body.set("failures", Json.MAPPER.valueToTree(outcome.failures()));
            common.printJson(body);
            return;
        }
        PrintWriter out = common.out();
        List<Connector.Connected> connected = outcome.connected();
        if (count == null && connected.size() == 1) {
            Connector.Connected c = connected.get(0);
            out.println("Connected machine " + c.identity().machineName() + " as " + c.identity().machineId());
            out.println("  home              : " + c.home());
            out.println("  cloud             : " + c.identity().cloudUrl());
        } else if (!connected.isEmpty()) {
            out.println("Connected " + connected.size() + " simulated machine(s) "
                    + connected.get(0).identity().machineName() + " .. "
                    + connected.get(connected.size() - 1).identity().machineName() + " under " + home.resolve("machines"));
            out.println("  address one with  : --home " + connected.get(0).home());
        }
        if (!connected.isEmpty()) {
            out.println("  TLS trust         : " + tlsTrust(pinned, cloudUrl));
        }
        connected.stream().map(c -> c.identity().cloudKeyFingerprint()).distinct().forEach(fingerprint ->
                out.println("  cloud signing key : " + fingerprint + " (trusted from now on; only 'connect' on this machine changes it)"));
        printCatalogKeys(out, connected);
        for (Connector.Connected c : connected) {
            if (c.previousCloudKey() != null) {
                out.println("WARNING: " + c.identity().machineName() + ": the cloud's signing key changed from "
                        + KeyFingerprint.of(c.previousCloudKey()) + " to " + c.identity().cloudKeyFingerprint()
                        + "; the new key is trusted from now on.");
            }
        }
        outcome.failures().stream().limit(20).forEach(failure -> common.err().println("Error: " + failure));
        if (outcome.failures().size() > 20) {
            common.err().println("... and " + (outcome.failures().size() - 20) + " more failures");
        }
    }
}

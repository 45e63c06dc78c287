package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.extension.InstalledRecord;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.handler.ExtensionCgroups;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.identity.KeyFingerprint;
import dev.bulwark.agent.identity.MachineIdentity;
import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.agent.testing.TestTls;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.crypto.Ed25519;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code connect}, {@code show} and {@code extension list|remove}, in process, against a registration endpoint. */
class MachineCliTest {
    @TempDir
    Path home;
    TestCloud cloud;

    @BeforeEach
    void startCloud() throws IOException {
        cloud = new TestCloud();
    }

    @AfterEach
    void stopCloud() {
        cloud.close();
    }

    private Cli.Result connect(String... extra) {
        String[] base = {"connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--ca", TestTls.caFile().toString(),
                "--subscription", TestCloud.SUBSCRIPTION, "--resource-group", TestCloud.RESOURCE_GROUP};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.at(home, args);
    }

    @Test
    void connectRegistersTheKeysAndTrustsTheCloudKeyItAnswersWith() throws IOException {
        Cli.Result connect = connect("--machine", "web-01");

        assertThat(connect.exit()).as(connect.toString()).isZero();
        String fingerprint = KeyFingerprint.of(Ed25519.encodePublic(cloud.signingKeys().getPublic()));
        assertThat(connect.out()).contains("Connected machine web-01 as " + TestCloud.machineId("web-01"))
                .contains("cloud signing key : " + fingerprint);
        assertThat(cloud.requests()).containsExactly("PUT /subscriptions/" + TestCloud.SUBSCRIPTION + "/resourceGroups/web"
                + "/providers/Microsoft.HybridCompute/machines/web-01?api-version=2024-07-10");
        JsonNode sent = cloud.registration("web-01");
        assertThat(sent.get("location").asText()).isEqualTo("local");
        MachineIdentity identity = new IdentityStore(home).read();
        assertThat(sent.at("/properties/agentPublicKeys/signing").asText()).isEqualTo(identity.signingPublicKey());
        assertThat(sent.at("/properties/agentPublicKeys/encryption").asText()).isEqualTo(identity.encryptionPublicKey());
        assertThat(sent.at("/properties/agentVersion").asText()).isNotBlank();
        assertThat(identity.machineId()).isEqualTo(TestCloud.machineId("web-01"));
        assertThat(identity.cloudUrl()).isEqualTo(cloud.url().toString());
        assertThat(Ed25519.decodePublic(identity.cloudSigningKey())).isEqualTo(cloud.signingKeys().getPublic());
        for (String key : new String[]{"machine-keys.json", "identity.json"}) {
            assertThat(Files.getPosixFilePermissions(home.resolve(key))).as(key).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }

        Cli.Result show = Cli.at(home, "show");
        assertThat(show.out()).contains("Connected").contains(TestCloud.machineId("web-01")).contains(fingerprint);

        // Connecting again keeps the machine's keys.
        assertThat(connect("--machine", "web-01").exit()).isZero();
        assertThat(new IdentityStore(home).read().signingPublicKey()).isEqualTo(identity.signingPublicKey());
        Cli.Result other = connect("--machine", "web-02");
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains("already connected as " + TestCloud.machineId("web-01"));
    }

    @Test
    void showSaysTheExtensionCpuLimitAndHowItIsEnforcedWithoutCreatingACgroup() throws IOException {
        String mechanism = ExtensionCgroups.probe(ExtensionCgroups.machineKey(home));

        assertThat(Cli.at(home, "show").out()).contains(ConfigFormat.line("Extension CPU limit", "5% (" + mechanism + ")") + "\n");
        assertThat(Cli.at(home, "config", "set", "extensions.agent.cpulimit", "20").exit()).isZero();
        assertThat(Cli.at(home, "show").out()).contains(ConfigFormat.line("Extension CPU limit", "20% (" + mechanism + ")") + "\n");
        JsonNode shown = Json.MAPPER.readTree(Cli.at(home, "show", "--json").out());
        assertThat(shown.at("/cpuLimit/percent").asInt()).isEqualTo(20);
        assertThat(shown.at("/cpuLimit/mechanism").asText()).isEqualTo(mechanism);

        java.util.regex.Matcher group = java.util.regex.Pattern.compile("^cgroup v[12] \\S+ \\((.+)\\)$").matcher(mechanism);
        if (group.matches()) {
            assertThat(Path.of(group.group(1))).as("show only probes").doesNotExist();
        } else {
            assertThat(mechanism).startsWith("none: ");
        }
    }

    @Test
    void aFleetGetsOneHomeAndIdentityPerMachine() throws IOException {
        Cli.Result connect = connect("--machine", "sim", "--count", "3", "--json");

        assertThat(connect.exit()).as(connect.toString()).isZero();
        assertThat(Json.MAPPER.readTree(connect.out()).get("connected")).hasSize(3);
        assertThat(cloud.requests()).as("one bulk registration, no PUT per machine").containsExactly("POST /subscriptions/"
                + TestCloud.SUBSCRIPTION + "/resourceGroups/web/providers/Bulwark.Fleet/registerMachines?api-version=2026-12-01");
        for (String name : new String[]{"sim-0001", "sim-0002", "sim-0003"}) {
            Path machineHome = home.resolve("machines").resolve(name);
            assertThat(new IdentityStore(machineHome).read().machineId()).isEqualTo(TestCloud.machineId(name));
            assertThat(Cli.at(machineHome, "config", "set", "extensions.enabled", "false").exit()).isZero();
        }
        assertThat(new IdentityStore(home.resolve("machines/sim-0001")).read().signingPublicKey())
                .isNotEqualTo(new IdentityStore(home.resolve("machines/sim-0002")).read().signingPublicKey());
        assertThat(Cli.at(home, "show").out()).contains("Disconnected").contains("Simulated machines").contains("3 under");
    }

    @Test
    void connectTrustsTheCatalogKeysTheCloudOffersOnEveryMachine() throws Exception {
        String offered = TrustedKeys.keyId(cloud.storage().catalogKeys().getPublic());

        Cli.Result single = connect("--machine", "web-01");
        Cli.Result fleet = Cli.at(home.resolve("fleet"), "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(),
                "--ca", TestTls.caFile().toString(), "--subscription",
                TestCloud.SUBSCRIPTION, "--resource-group", TestCloud.RESOURCE_GROUP, "--machine", "sim", "--count", "3");

        assertThat(single.exit()).as(single.toString()).isZero();
        assertThat(single.out()).contains("catalog key       : " + offered + " (offered by the cloud, trusted from now on)");
        assertThat(fleet.out()).containsOnlyOnce(offered);
        assertThat(trusted(home)).containsExactly(offered);
        for (String name : new String[]{"sim-0001", "sim-0002", "sim-0003"}) {
            assertThat(trusted(home.resolve("fleet/machines").resolve(name))).as(name).containsExactly(offered);
        }
        assertThat(Cli.at(home, "show").out()).contains("Catalog signing keys").contains("1 trusted");
    }

    @Test
    void pinnedCatalogKeysAreTrustedInsteadOfTheOffer() throws Exception {
        KeyPair pinned = Ed25519.generate();
        Path file = home.resolve("pinned.pub");
        KeyFiles.writePublic(file, pinned.getPublic());

        Cli.Result connect = connect("--machine", "web-01", "--catalog-key", file.toString(), "--json");

        assertThat(connect.exit()).as(connect.toString()).isZero();
        JsonNode machine = Json.MAPPER.readTree(connect.out()).get("connected").get(0);
        assertThat(machine.get("catalogKeysSource").asText()).isEqualTo("pinned");
        assertThat(trusted(home)).containsExactly(TrustedKeys.keyId(pinned.getPublic()))
                .doesNotContain(TrustedKeys.keyId(cloud.storage().catalogKeys().getPublic()));
        assertThat(Cli.at(home, "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--ca", TestTls.caFile().toString(),
                "-s", "s", "-g", "g", "-n", "m",
                "--catalog-key", home.resolve("missing.pub").toString()).exit()).isEqualTo(2);
    }

    @Test
    void anUnusableOfferFailsTheConnectUnlessKeysArePinnedAndNoOfferIsWarnedAbout() throws Exception {
        cloud.offerCatalogKeys(List.of("not a key"));
        Cli.Result refused = connect("--machine", "web-01");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("catalogSigningKeys[0] is not an Ed25519 public key");
        assertThat(home.resolve("identity.json")).doesNotExist();

        Path file = home.resolve("pinned.pub");
        KeyFiles.writePublic(file, cloud.storage().catalogKeys().getPublic());
        assertThat(connect("--machine", "web-01", "--catalog-key", file.toString()).exit()).isZero();

        cloud.offerCatalogKeys(null);
        Cli.Result none = Cli.at(home.resolve("other"), "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(),
                "--ca", TestTls.caFile().toString(), "--subscription",
                TestCloud.SUBSCRIPTION, "--resource-group", TestCloud.RESOURCE_GROUP, "--machine", "web-02");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).contains("WARNING: no catalog signing key is trusted").contains("package trust add");
    }

    private static List<String> trusted(Path machineHome) throws Exception {
        return new TrustStore(machineHome).list().stream().map(TrustStore.TrustedKey::keyId).toList();
    }

    @Test
    void connectFailuresAreReported() {
        cloud.failRegistrationsWith(403);
        Cli.Result refused = connect("--machine", "web-01");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("HTTP 403").contains("AuthorizationFailed");
        assertThat(home.resolve("identity.json")).doesNotExist();

        assertThat(connect("--machine", "bad name!").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "connect", "--cloud", "ftp://x", "-s", "s", "-g", "g", "-n", "m").exit()).isEqualTo(2);
        Cli.Result anonymous = Cli.at(home, "connect", "--cloud", cloud.url().toString(), "-s", "s", "-g", "g", "-n", "m");
        assertThat(anonymous.exit()).isEqualTo(2);
        assertThat(anonymous.err()).contains("needs an onboarding credential").contains("nothing registers anonymously");
        assertThat(Cli.at(home, "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString()).exit()).isEqualTo(2);
    }

    @Test
    void extensionsAreListedAndRemovedLocallyWithoutAConnection() throws IOException {
        StateStore state = new StateStore(home, true);
        state.update(s -> s.withInstalled(new InstalledRecord("AzureMonitorLinuxAgent", "Microsoft.Azure.Monitor",
                        "AzureMonitorLinuxAgent", "1.33.2", 0, false, Instant.now()))
                .withInstalled(new InstalledRecord("OMSAgentForLinux", "Microsoft.EnterpriseCloud.Monitoring",
                        "OMSAgentForLinux", "1.19", 0, false, Instant.now()))
                .withInstalled(new InstalledRecord("CustomScript", "Microsoft.Azure.Extensions", "CustomScript", "2.1", 0,
                        false, Instant.now())));

        Cli.Result list = Cli.at(home, "extension", "list");
        assertThat(list.out()).contains("AzureMonitorLinuxAgent").contains("Enabled").doesNotContain("Stopped");

        assertThat(Cli.at(home, "config", "set", "extensions.enabled", "false").exit()).isZero();
        JsonNode disabled = Json.MAPPER.readTree(Cli.at(home, "extension", "list", "--json").out());
        assertThat(disabled).hasSize(3);
        for (JsonNode extension : disabled) {
            // The Log Analytics agent runs its own service; the others are hosted by the stopped manager.
            assertThat(extension.get("state").asText()).isEqualTo(
                    extension.get("name").asText().equals("OMSAgentForLinux") ? "Enabled" : "Stopped");
        }

        Cli.Result remove = Cli.at(home, "extension", "remove", "--name", "CustomScript");
        assertThat(remove.exit()).as(remove.toString()).isZero();
        assertThat(remove.out()).contains("Extension CustomScript removed locally");
        assertThat(state.read().extensions()).doesNotContainKey("CustomScript");

        assertThat(Cli.at(home, "extension", "remove", "--name", "CustomScript").exit()).isEqualTo(1);
        assertThat(Cli.at(home, "extension", "remove").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "extension", "remove", "--name", "x", "--all").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "extension", "remove", "--all").exit()).isZero();
        assertThat(state.read().extensions()).isEmpty();
        assertThat(Cli.at(home, "extension", "list").out()).contains("No extensions are installed.");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(Cli.at(home).exit()).isEqualTo(2);
        assertThat(Cli.at(home, "config").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "config", "frobnicate").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "nonsense").exit()).isEqualTo(2);
        assertThat(Cli.run(java.util.Map.of(), "--version").out()).startsWith("bulwark-agent ");
    }
}

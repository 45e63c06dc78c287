package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.identity.CloudRegistrar;
import dev.bulwark.agent.identity.Connector;
import dev.bulwark.agent.identity.FleetRegistrar;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.agent.testing.TestTls;
import dev.bulwark.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code connect --ca}: the machine trusts the CA it is given, and only it, for the cloud's TLS; a cloud whose
 * certificate that CA did not sign is refused before anything is stored; plain http needs the development flag.
 */
class CloudTlsCliTest {
    @TempDir
    Path home;

    private static Cli.Result connect(Path home, TestCloud cloud, String... extra) {
        String[] base = {"connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", cloud.url().toString(), "--subscription", TestCloud.SUBSCRIPTION,
                "--resource-group", TestCloud.RESOURCE_GROUP};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.at(home, args);
    }

    @Test
    void connectPinsTheCaItIsGivenAndShowSaysWhichOne() throws Exception {
        String fingerprint = TestTls.pinned(TestTls.local()).fingerprint();
        try (TestCloud cloud = new TestCloud()) {
            Cli.Result connected = connect(home, cloud, "--machine", "web-01", "--ca", TestTls.caFile().toString());

            assertThat(connected.exit()).as(connected.toString()).isZero();
            assertThat(connected.out()).contains("TLS trust         : pinned CA " + fingerprint);
        }
        Path pinned = home.resolve(PinnedCa.FILE);
        assertThat(Files.readAllBytes(pinned)).isEqualTo(Files.readAllBytes(TestTls.caFile()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pinned))).isEqualTo("rw-------");
        assertThat(Cli.at(home, "show").out()).contains("Cloud TLS trust").contains("pinned CA " + fingerprint);
        JsonNode shown = Json.MAPPER.readTree(Cli.at(home, "show", "--json").out());
        assertThat(shown.get("cloudCaFingerprint").asText()).isEqualTo(fingerprint);
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void aCloudWhoseCertificateThePinnedCaDidNotSignIsRefusedAndNothingIsStored() throws Exception {
        try (TestCloud impostor = new TestCloud(TestTls.other())) {
            Cli.Result single = connect(home, impostor, "--machine", "web-01", "--ca", TestTls.caFile().toString());
            Cli.Result fleet = connect(home.resolve("fleet"), impostor, "--machine", "sim", "--count", "3",
                    "--ca", TestTls.caFile().toString());

            assertThat(single.exit()).as(single.toString()).isEqualTo(1);
            assertThat(single.err()).contains("cannot reach the cloud").containsIgnoringCase("certificat");
            assertThat(fleet.exit()).as(fleet.toString()).isEqualTo(1);
            assertThat(impostor.requests()).as("no request got past the TLS handshake").isEmpty();
        }
        assertThat(home.resolve("identity.json")).doesNotExist();
        assertThat(home.resolve(PinnedCa.FILE)).doesNotExist();
        assertThat(home.resolve("fleet/machines/sim-0001/identity.json")).doesNotExist();
    }

    @Test
    void withoutCaTheJvmsTrustStoreDecidesAndItDoesNotKnowALocalCa() throws Exception {
        try (TestCloud cloud = new TestCloud()) {
            Cli.Result refused = connect(home, cloud, "--machine", "web-01");

            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(cloud.requests()).isEmpty();
        }
        assertThat(home.resolve("identity.json")).doesNotExist();
    }

    @Test
    void connectingAgainWithoutCaForgetsThePin() throws Exception {
        try (TestCloud cloud = new TestCloud()) {
            assertThat(connect(home, cloud, "--machine", "web-01", "--ca", TestTls.caFile().toString()).exit()).isZero();
            assertThat(home.resolve(PinnedCa.FILE)).exists();

            // A cloud with a publicly trusted certificate, reached with the JVM's trust store (here: one that knows it).
            Connector unpinned = new Connector(new CloudRegistrar(TestTls.trustingClient()),
                    new FleetRegistrar(TestTls.trustingClient()));
            Connector.Outcome again = unpinned.connect(home, new Connector.Request(cloud.url(), TestCloud.SUBSCRIPTION,
                    TestCloud.RESOURCE_GROUP, "web-01", null));

            assertThat(again.failures()).isEmpty();
        }
        assertThat(home.resolve(PinnedCa.FILE)).doesNotExist();
        assertThat(Cli.at(home, "show").out()).contains("the JVM's default trust store");
    }

    @Test
    void plainHttpIsRefusedUnlessTheDevelopmentFlagIsGiven() {
        String[] plain = {"connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", "http://127.0.0.1:9", "-s", "s", "-g", "g", "-n", "web-01"};

        Cli.Result refused = Cli.at(home, plain);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("plain http").contains("--allow-plain-http");

        Cli.Result pinnedPlain = Cli.at(home, "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", "http://127.0.0.1:9", "--ca", TestTls.caFile().toString(),
                "--allow-plain-http", "-s", "s", "-g", "g", "-n", "web-01");
        assertThat(pinnedPlain.exit()).as("a CA pins an https cloud only").isEqualTo(2);

        Cli.Result allowed = Cli.at(home, "connect", "--token", TestCloud.ONBOARDING_TOKEN, "--cloud", "http://127.0.0.1:9", "--allow-plain-http",
                "-s", "s", "-g", "g", "-n", "web-01");
        assertThat(allowed.exit()).as("accepted, then nothing answers on port 9").isEqualTo(1);
        assertThat(allowed.err()).contains("cannot reach the cloud");
    }
}

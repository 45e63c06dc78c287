package dev.bulwark.agent.identity;

import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.agent.testing.TestTls;
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
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A simulated fleet connects through the cloud's bulk registration endpoint, a chunk of machines per request. */
class FleetConnectTest {
    private static final String BULK = "POST /subscriptions/" + TestCloud.SUBSCRIPTION + "/resourceGroups/"
            + TestCloud.RESOURCE_GROUP + "/providers/Bulwark.Fleet/registerMachines?api-version=" + FleetRegistrar.API_VERSION;

    @TempDir
    Path home;
    TestCloud cloud;
    Connector connector = new Connector(new CloudRegistrar(TestTls.trustingClient()), new FleetRegistrar(TestTls.trustingClient()));

    @BeforeEach
    void startCloud() throws IOException {
        cloud = new TestCloud();
    }

    @AfterEach
    void stopCloud() {
        cloud.close();
    }

    @Test
    void aFleetRegistersInChunksAndEachMachineKeepsItsOwnKeysAndTrustRoots() throws Exception {
        Connector.Outcome outcome = connector.connect(home, new Connector.Request(cloud.url(), TestCloud.SUBSCRIPTION,
                TestCloud.RESOURCE_GROUP, "sim", 2001));

        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.connected()).hasSize(2001);
        assertThat(cloud.requests()).containsExactly(BULK, BULK);
        assertThat(cloud.bulkRequestSizes()).containsExactlyInAnyOrder(2000, 1);
        String catalogKey = TrustedKeys.keyId(cloud.storage().catalogKeys().getPublic());
        for (String name : List.of("sim-0001", "sim-2000", "sim-2001")) {
            Path machineHome = home.resolve("machines").resolve(name);
            MachineIdentity identity = new IdentityStore(machineHome).read();
            assertThat(identity.machineId()).isEqualTo(TestCloud.machineId(name));
            assertThat(cloud.registration(name).at("/properties/agentPublicKeys/signing").asText())
                    .isEqualTo(identity.signingPublicKey());
            assertThat(cloud.registration(name).at("/properties/agentPublicKeys/encryption").asText())
                    .isEqualTo(identity.encryptionPublicKey());
            assertThat(Ed25519.decodePublic(identity.cloudSigningKey())).isEqualTo(cloud.signingKeys().getPublic());
            assertThat(new TrustStore(machineHome).list()).extracting(TrustStore.TrustedKey::keyId).containsExactly(catalogKey);
            assertThat(Files.getPosixFilePermissions(machineHome.resolve(IdentityStore.KEYS_FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        try (Stream<Path> homes = Files.list(home.resolve("machines"))) {
            assertThat(homes.map(machineHome -> {
                try {
                    return new IdentityStore(machineHome).read().signingPublicKey();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).distinct().count()).as("every machine has keys of its own").isEqualTo(2001);
        }
    }

    @Test
    void aCallerCanNameExactlyTheMachinesToConnect() throws IOException {
        List<String> names = List.of("east-7", "west-3", "sim-0042");

        Connector.Outcome outcome = connector.connect(home, Connector.Request.fleet(cloud.url(), TestCloud.SUBSCRIPTION,
                TestCloud.RESOURCE_GROUP, names, List.of()));

        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.connected()).extracting(c -> c.identity().machineName()).containsExactly("east-7", "sim-0042", "west-3");
        try (Stream<Path> homes = Files.list(home.resolve("machines"))) {
            assertThat(homes.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(names);
        }
        assertThat(new IdentityStore(home.resolve("machines/west-3")).read().machineId()).isEqualTo(TestCloud.machineId("west-3"));
        assertThat(cloud.bulkRequestSizes()).containsExactly(3);
    }

    @Test
    void namesThatAreNotMachineNamesOrWouldLeaveTheFleetFolderAreRefused() throws IOException {
        Connector.Outcome outcome = connector.connect(home, Connector.Request.fleet(cloud.url(), TestCloud.SUBSCRIPTION,
                TestCloud.RESOURCE_GROUP, List.of("..", "bad name", "good-1"), List.of()));

        assertThat(outcome.connected()).extracting(c -> c.identity().machineName()).containsExactly("good-1");
        assertThat(outcome.failures()).hasSize(2).allMatch(f -> f.contains("not a valid machine name"));
        assertThat(home.resolve(IdentityStore.KEYS_FILE)).doesNotExist();
        assertThat(cloud.bulkRequestSizes()).containsExactly(1);
    }

    @Test
    void aRefusedRequestNamesTheMachineTheCloudPointsAtAndConnectsNoneOfItsMachines() throws IOException {
        cloud.failRegistrationsWith(400, "machines[1].agentPublicKeys.signing");

        Connector.Outcome outcome = connector.connect(home, Connector.Request.fleet(cloud.url(), TestCloud.SUBSCRIPTION,
                TestCloud.RESOURCE_GROUP, List.of("m-a", "m-b", "m-c"), List.of()));

        assertThat(outcome.connected()).isEmpty();
        assertThat(outcome.failures()).singleElement().asString()
                .contains("m-a .. m-c (3 machines)").contains("HTTP 400").contains("AuthorizationFailed")
                .contains("machines[1].agentPublicKeys.signing: machine m-b");
        for (String name : List.of("m-a", "m-b", "m-c")) {
            assertThat(new IdentityStore(home.resolve("machines").resolve(name)).isConnected()).as(name).isFalse();
        }
    }

    @Test
    void aCloudWithoutTheBulkEndpointGetsOneRequestPerMachine() throws IOException {
        cloud.withoutBulkEndpoint();

        Connector.Outcome outcome = connector.connect(home, new Connector.Request(cloud.url(), TestCloud.SUBSCRIPTION,
                TestCloud.RESOURCE_GROUP, "old", 3));

        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.connected()).hasSize(3);
        assertThat(cloud.requests()).first().isEqualTo(BULK);
        assertThat(cloud.requests().subList(1, 4)).containsExactlyInAnyOrder(
                put("old-0001"), put("old-0002"), put("old-0003"));
        assertThat(new IdentityStore(home.resolve("machines/old-0002")).read().signingPublicKey())
                .isEqualTo(cloud.registration("old-0002").at("/properties/agentPublicKeys/signing").asText());
    }

    private static String put(String machine) {
        return "PUT /subscriptions/" + TestCloud.SUBSCRIPTION + "/resourceGroups/" + TestCloud.RESOURCE_GROUP
                + "/providers/Microsoft.HybridCompute/machines/" + machine + "?api-version=" + CloudRegistrar.API_VERSION;
    }

    @Test
    void connectionFailuresAreRetriedAndConnectingAgainKeepsTheKeys() throws IOException {
        cloud.dropConnections(2);
        Connector.Request request = new Connector.Request(cloud.url(), TestCloud.SUBSCRIPTION, TestCloud.RESOURCE_GROUP, "sim", 3);

        Connector.Outcome first = connector.connect(home, request);
        Connector.Outcome again = connector.connect(home, request);

        assertThat(first.failures()).isEmpty();
        assertThat(cloud.requests()).containsExactly(BULK, BULK, BULK, BULK);
        assertThat(again.failures()).isEmpty();
        assertThat(again.connected()).extracting(c -> c.identity().signingPublicKey())
                .containsExactlyElementsOf(first.connected().stream().map(c -> c.identity().signingPublicKey()).toList());
    }
}

package dev.bulwark.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.extension.InstalledRecord;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.agent.pkg.VerifyingPackageGate;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.RecordingHandler;
import dev.bulwark.agent.testing.TestStorage;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.crypto.Ed25519;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Package verification in the running agent, on a real broker: every install and upgrade downloads the
 * signed catalog and the package from storage over HTTP, and the handler runs only for a package that
 * passed every check, with the verified folder. Machines pkg-0001.. trust the catalog key that
 * {@code connect} took from the cloud's answer.
 */
class PackageInstallKafkaTest {
    private static final String CONTOSO = "Contoso.Monitoring";

    private static FleetHarness fleet;
    private static RecordingHandler handler;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("pkg", 5);
        handler = new RecordingHandler();
        fleet.start(settings -> settings.extensionHandler(handler));
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void aVerifiedPackageInstallsAndTheHandlerGetsTheSharedVerifiedFolder() throws IOException {
        ExtensionOperation first = install("pkg-0001", "ContosoAgent", "1.2.0");
        ExtensionOperation second = install("pkg-0002", "ContosoAgent", "1.2.0");

        for (ExtensionOperation operation : List.of(first, second)) {
            OperationResult result = fleet.awaitResult(operation);
            assertThat(result.status()).as(result.message()).isEqualTo(ResultStatus.Succeeded);
            RecordingHandler.Run run = handler.run(operation.operationId());
            assertThat(run.manifestPresent()).as("the handler saw the verified package").isTrue();
            assertThat(run.invocation().packageDir()).startsWith(fleet.home.resolve(VerifyingPackageGate.VERIFIED_DIR));
        }
        // One download and one extraction for the whole fleet; both machines read the same folder.
        assertThat(handler.run(first.operationId()).invocation().packageDir())
                .isEqualTo(handler.run(second.operationId()).invocation().packageDir());
        assertThat(fleet.cloud.storage().requests(TestStorage.packagePath(CONTOSO, "ContosoAgent", "1.2.0"))).isEqualTo(1);
        InstalledRecord installed = new StateStore(fleet.machineHome("pkg-0001"), false).read().installed("ContosoAgent");
        assertThat(installed.version()).isEqualTo("1.2.0");
        assertThat(installed.ownService()).isFalse();
        assertThat(installed.packageDir()).isEqualTo(handler.run(first.operationId()).invocation().packageDir().toString());
    }

    @Test
    void aTamperedZipFailsVerificationAndNoHandlerRuns() throws IOException {
        fleet.cloud.storage().publish(CONTOSO, "Tampered", "2.0", false);
        fleet.cloud.storage().tamper(CONTOSO, "Tampered", "2.0");

        ExtensionOperation operation = install("pkg-0003", "Tampered", "2.0");
        OperationResult result = fleet.awaitResult(operation);

        assertThat(result.status()).isEqualTo(ResultStatus.Failed);
        assertThat(result.errorCode()).isEqualTo("PackageVerificationFailed");
        assertThat(result.message()).contains("Contoso.Monitoring/Tampered").contains("(PackageHashMismatch)")
                .contains("Nothing of the package ran");
        assertThat(result.instanceView().status().code()).isEqualTo("ProvisioningState/failed/PackageVerificationFailed");
        assertThat(handler.ran(operation.operationId())).isFalse();
        assertThat(new StateStore(fleet.machineHome("pkg-0003"), false).read().installed("Tampered")).isNull();
        try (Stream<Path> verified = Files.list(fleet.home.resolve(VerifyingPackageGate.VERIFIED_DIR))) {
            assertThat(verified.map(Path::getFileName).map(Path::toString))
                    .noneMatch(name -> name.startsWith(".")).as("nothing half-extracted is left");
        }
    }

    @Test
    void anInstallOrUpgradeWithoutPackageReferencesFailsAndNothingRuns() {
        assertThat(fleet.awaitResult(install("pkg-0003", "Upgradable", "1.0")).status()).isEqualTo(ResultStatus.Succeeded);
        // Made after the install, so that its sequence is newer, as the cloud would number it.
        ExtensionOperation noPackage = fleet.cloud.withReferences(operation("pkg-0003", OperationKind.INSTALL, "NoPackage", "1.0"),
                null, null);
        ExtensionOperation upgrade = fleet.cloud.withReferences(operation("pkg-0003", OperationKind.UPGRADE, "Upgradable", "2.0"),
                null, fleet.cloud.storage().catalogRef());

        for (ExtensionOperation operation : List.of(noPackage, upgrade)) {
            OperationResult result = fleet.awaitResult(send(operation));
            assertThat(result.status()).isEqualTo(ResultStatus.Failed);
            assertThat(result.errorCode()).isEqualTo("PackageVerificationFailed");
            assertThat(result.message()).contains("(PackageReferenceMissing)").contains("names no package");
            assertThat(handler.ran(operation.operationId())).isFalse();
        }
    }

    @Test
    void anUpdateAndADeleteNeedNoPackageAndKeepTheVerifiedVersion() throws IOException {
        ExtensionOperation install = install("pkg-0004", "Reconfigured", "3.1");
        assertThat(fleet.awaitResult(install).status()).isEqualTo(ResultStatus.Succeeded);
        Path verified = handler.run(install.operationId()).invocation().packageDir();

        ExtensionOperation update = fleet.cloud.operation("pkg-0004", OperationKind.UPDATE, CONTOSO, "Reconfigured", "9.9",
                Json.MAPPER.createObjectNode().put("level", "debug"), null);
        // An update carries new settings only: one naming another version does not change what is installed.
        assertThat(update.packageRef()).isNull();
        OperationResult updated = fleet.awaitResult(send(update));

        assertThat(updated.status()).as(updated.message()).isEqualTo(ResultStatus.Succeeded);
        assertThat(handler.run(update.operationId()).invocation().packageDir()).isEqualTo(verified);
        InstalledRecord record = new StateStore(fleet.machineHome("pkg-0004"), false).read().installed("Reconfigured");
        assertThat(record.version()).isEqualTo("3.1");
        assertThat(record.settingsSequence()).isEqualTo(1);
        ExtensionOperation delete = operation("pkg-0004", OperationKind.DELETE, "Reconfigured", "3.1");
        assertThat(delete.packageRef()).isNull();
        assertThat(fleet.awaitResult(send(delete)).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(handler.run(delete.operationId()).invocation().packageDir()).isEqualTo(verified);
    }

    @Test
    void theHandlerManifestSaysWhichExtensionsKeepRunningWhenTheManagerIsDisabled() throws IOException {
        fleet.cloud.storage().publish(CONTOSO, "OwnService", "1.0", true);
        assertThat(fleet.awaitResult(install("pkg-0005", "OwnService", "1.0")).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(fleet.awaitResult(install("pkg-0005", "Hosted", "1.0")).status()).isEqualTo(ResultStatus.Succeeded);

        fleet.cli("pkg-0005", "config", "set", "extensions.enabled", "false");

        Map<String, String> states = new TreeMap<>();
        for (JsonNode extension : Json.MAPPER.readTree(fleet.cli("pkg-0005", "extension", "list", "--json"))) {
            states.put(extension.get("name").asText(), extension.get("state").asText());
        }
        assertThat(states).containsEntry("OwnService", "Enabled").containsEntry("Hosted", "Stopped");
    }

    @Test
    void nothingAnOperationCarriesCanAddATrustRoot() throws IOException {
        KeyPair attacker = Ed25519.generate();
        String attackerKey = Ed25519.encodePublic(attacker.getPublic());
        Path machine = fleet.machineHome("pkg-0002");
        Map<String, String> trustBefore = trustFolder(machine);
        ObjectNode settings = Json.MAPPER.createObjectNode().put("catalogSigningKey", attackerKey);
        settings.putArray("catalogSigningKeys").add(attackerKey);
        settings.putObject("trust").put("catalog/attacker.pub", attackerKey);

        ExtensionOperation carrier = fleet.cloud.operation("pkg-0002", OperationKind.INSTALL, CONTOSO, "Carrier", "1.0",
                settings, "{\"catalogSigningKeys\":[\"" + attackerKey + "\"]}");
        assertThat(fleet.awaitResult(send(carrier)).status()).isEqualTo(ResultStatus.Succeeded);
        // The attacker's catalog lists the same packages: only the signature differs.
        ExtensionOperation genuine = operation("pkg-0002", OperationKind.INSTALL, "Carrier2", "1.0");
        ExtensionOperation signedByAttacker = fleet.cloud.withReferences(genuine, genuine.packageRef(),
                fleet.cloud.storage().catalogSignedBy(attacker));
        OperationResult refused = fleet.awaitResult(send(signedByAttacker));

        assertThat(trustFolder(machine)).isEqualTo(trustBefore).hasSize(1);
        assertThat(refused.errorCode()).isEqualTo("PackageVerificationFailed");
        assertThat(refused.message()).contains("(CatalogKeyUntrusted)");
        assertThat(handler.ran(signedByAttacker.operationId())).isFalse();
    }

    // --- helpers

    /** An install of Contoso.Monitoring/{@code type} {@code version}, sent; its package is published first. */
    private static ExtensionOperation install(String machine, String type, String version) {
        return send(operation(machine, OperationKind.INSTALL, type, version));
    }

    /** An operation on Contoso.Monitoring/{@code type}, signed by the cloud, not sent. */
    private static ExtensionOperation operation(String machine, OperationKind kind, String type, String version) {
        return fleet.cloud.operation(machine, kind, CONTOSO, type, version, null, null);
    }

    private static ExtensionOperation send(ExtensionOperation operation) {
        fleet.send(operation);
        return operation;
    }

    private static Map<String, String> trustFolder(Path machineHome) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.list(machineHome.resolve(TrustStore.DIRECTORY))) {
            for (Path file : all.toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }
}

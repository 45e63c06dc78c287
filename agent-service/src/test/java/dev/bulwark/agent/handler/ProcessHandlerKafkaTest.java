package dev.bulwark.agent.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.host.AgentHostSettings;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.InstanceView;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.catalog.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real handler, driven from the outside: signed operations on a real broker, a host running
 * {@link ProcessExtensionHandler}, and the test handler (src/test/resources/test-handler) as a real process
 * that records its calls and does what its settings ask. Run as root (as CI does), handlers run as their
 * extension's own user in the machine's cgroup.
 */
class ProcessHandlerKafkaTest {
    private static final String PUBLISHER = "Bulwark.Tests";
    private static final Duration TIMEOUT = Duration.ofSeconds(8);

    private static FleetHarness fleet;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("proc", 9);
        letHandlersThrough(fleet);
        fleet.start(settings -> settings.handler(AgentHostSettings.HandlerKind.PROCESS).handlerTimeout(TIMEOUT));
    }

    @AfterAll
    static void stop() throws IOException {
        removeCgroups(fleet);
        fleet.close();
    }

    @Test
    void anInstallRunsInstallThenEnableAsTheExtensionsOwnUserAndReportsItsStatus() throws IOException {
        ObjectNode settings = Json.MAPPER.createObjectNode().put("destination", "logs.example");
        OperationResult result = run("proc-0001", OperationKind.INSTALL, "Shipper", "1.0", settings, null);

        assertThat(result.status()).as(result.message()).isEqualTo(ResultStatus.Succeeded);
        assertThat(result.instanceView().status().message()).isEqualTo("Enabled with {\"destination\": \"logs.example\"}");
        assertThat(result.instanceView().substatuses()).extracting(InstanceView.Status::message).containsExactly("enable");
        HandlerFolders folders = folders("proc-0001", "Shipper", "1.0");
        assertThat(calls(folders)).containsExactly("install 1.0 0 -", "enable 1.0 0 -");
        int uid = Integer.parseInt(Files.readString(folders.dataDir().resolve("whoami")).strip());
        if (isRoot()) {
            assertThat(uid).as("the handler dropped root").isNotZero();
            assertThat(Files.getAttribute(folders.statusDir(), "unix:uid")).isEqualTo(uid);
        }
        ExtensionCgroups cgroups = ExtensionCgroups.detect(ExtensionCgroups.machineKey(fleet.machineHome("proc-0001")));
        if (cgroups.isCgroup()) {
            assertThat(Files.readString(folders.dataDir().resolve("cgroup"))).as("the handler ran in its extension's group")
                    .contains("/bulwark/" + ExtensionCgroups.machineKey(fleet.machineHome("proc-0001")) + "/" + folders.extension().dotted());
        }
        Path handler = folders.packageDir().resolve("bin/handler");
        assertThat(Files.getPosixFilePermissions(handler)).doesNotContain(PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        assertThat(Json.MAPPER.readTree(Files.readAllBytes(folders.environmentFile())).at("/0/handlerEnvironment/statusFolder").asText())
                .isEqualTo(folders.statusDir().toString());
        assertThat(Files.readString(folders.commandLogDir().resolve("CommandExecution.log")))
                .contains("install (bin/handler install)").contains("enable (bin/handler enable)").contains("exit code 0");
    }

    @Test
    void aHandlerThatExitsOneFailsWithTheTailOfItsStderr() {
        OperationResult result = run("proc-0002", OperationKind.INSTALL, "Failing", "1.0",
                Json.MAPPER.createObjectNode().put("failOn", "enable"), null);

        assertThat(result.status()).isEqualTo(ResultStatus.Failed);
        assertThat(result.errorCode()).isEqualTo("ExtensionHandlerFailed");
        assertThat(result.message()).contains("the enable command (bin/handler enable) exited with code 1")
                .contains("boom: enable was asked to fail");
    }

    @Test
    void aHandlerThatHangsIsKilledAtTheTimeoutWithEveryProcessItStarted() throws IOException {
        OperationResult result = run("proc-0003", OperationKind.INSTALL, "Hanging", "1.0",
                Json.MAPPER.createObjectNode().put("hangOn", "install"), null);

        assertThat(result.status()).isEqualTo(ResultStatus.Failed);
        assertThat(result.errorCode()).isEqualTo("ExtensionHandlerTimedOut");
        assertThat(result.message()).contains("the install command (bin/handler install) ran longer than " + TIMEOUT);
        long child = Long.parseLong(Files.readString(folders("proc-0003", "Hanging", "1.0").dataDir().resolve("child.pid")).strip());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                        .as("the handler's own child (in a session of its own) is gone too").isFalse());
    }

    @Test
    void aProtectedSettingReachesTheHandlerAndIsNowhereElseOnDiskInPlaintext() throws IOException {
        String secret = "{\"token\":\"canary-7d2c9e41-protected\"}";
        OperationResult result = run("proc-0004", OperationKind.INSTALL, "Secretive", "1.0",
                Json.MAPPER.createObjectNode(), secret);

        assertThat(result.status()).as(result.message()).isEqualTo(ResultStatus.Succeeded);
        HandlerFolders folders = folders("proc-0004", "Secretive", "1.0");
        assertThat(Files.readString(folders.dataDir().resolve("protected.sha256")))
                .isEqualTo(Sha256.hex(secret.getBytes(StandardCharsets.UTF_8)));
        assertThat(Json.tree(Files.readAllBytes(folders.settingsFile(0))).at("/runtimeSettings/0/handlerSettings/protectedSettings")
                .asText()).isNotBlank();
        byte[] canary = "canary-7d2c9e41".getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(fleet.home)) {
            List<Path> holding = new ArrayList<>();
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (indexOf(Files.readAllBytes(file), canary) >= 0) {
                    holding.add(file);
                }
            }
            assertThat(holding).as("files holding the secret in plaintext").isEmpty();
        }
    }

    @Test
    void anExtensionCannotWriteTheLocalConfiguration() throws IOException {
        fleet.cli("proc-0005", "config", "set", "extensions.blocklist", "Bulwark.Tests/Forbidden");
        Path localConfig = fleet.machineHome("proc-0005").resolve("localconfig.json");
        byte[] before = Files.readAllBytes(localConfig);

        OperationResult result = run("proc-0005", OperationKind.INSTALL, "Intruder", "1.0",
                Json.MAPPER.createObjectNode().put("writeFile", localConfig.toString()), null);

        assertThat(result.status()).as(result.message()).isEqualTo(ResultStatus.Succeeded);
        if (isRoot()) {
            assertThat(Files.readString(folders("proc-0005", "Intruder", "1.0").dataDir().resolve("write-result")))
                    .isEqualTo("refused: Permission denied");
        }
        assertThat(Files.readAllBytes(localConfig)).isEqualTo(before);
    }

    @Test
    void onlyAnExtensionTheAdministratorListsUnderRunAsRootRunsAsRoot() throws IOException {
        fleet.cli("proc-0009", "config", "set", "extensions.runasroot", PUBLISHER + "/Rooted");

        OperationResult rooted = run("proc-0009", OperationKind.INSTALL, "Rooted", "1.0", Json.MAPPER.createObjectNode(), null);
        OperationResult other = run("proc-0009", OperationKind.INSTALL, "Unrooted", "1.0", Json.MAPPER.createObjectNode(), null);

        assertThat(rooted.status()).as(rooted.message()).isEqualTo(ResultStatus.Succeeded);
        assertThat(other.status()).as(other.message()).isEqualTo(ResultStatus.Succeeded);
        int rootedUid = Integer.parseInt(Files.readString(folders("proc-0009", "Rooted", "1.0").dataDir().resolve("whoami")).strip());
        int otherUid = Integer.parseInt(Files.readString(folders("proc-0009", "Unrooted", "1.0").dataDir().resolve("whoami")).strip());
        if (isRoot()) {
            assertThat(rootedUid).isZero();
            assertThat(otherUid).isNotZero();
        }
        assertThat(fleet.cli("proc-0009", "show")).contains("as root (extensions.runasroot): " + PUBLISHER + "/Rooted");
    }

    @Test
    void anUpgradeRunsTheCommandsInTheProtocolsOrder() throws IOException {
        assertThat(run("proc-0006", OperationKind.INSTALL, "Upgraded", "1.0", Json.MAPPER.createObjectNode(), null).status())
                .isEqualTo(ResultStatus.Succeeded);

        OperationResult result = run("proc-0006", OperationKind.UPGRADE, "Upgraded", "2.0", Json.MAPPER.createObjectNode(), null);

        assertThat(result.status()).as(result.message()).isEqualTo(ResultStatus.Succeeded);
        HandlerFolders next = folders("proc-0006", "Upgraded", "2.0");
        assertThat(calls(next)).containsExactly("install 1.0 0 -", "enable 1.0 0 -",
                "disable 1.0 0 -", "update 2.0 1 1.0", "uninstall 1.0 0 -", "enable 2.0 1 1.0");
        assertThat(folders("proc-0006", "Upgraded", "1.0").packageDir()).doesNotExist();
    }

    @Test
    void aPackageFileChangedAfterVerificationIsCaughtBeforeAnythingRuns() throws IOException {
        assertThat(run("proc-0007", OperationKind.INSTALL, "Tampered", "1.0", Json.MAPPER.createObjectNode(), null).status())
                .isEqualTo(ResultStatus.Succeeded);
        HandlerFolders folders = folders("proc-0007", "Tampered", "1.0");
        Path handler = folders.packageDir().resolve("bin/handler");
        Files.setPosixFilePermissions(handler, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(handler, "#!/bin/sh\necho owned > /tmp/bulwark-owned\n");

        OperationResult result = run("proc-0007", OperationKind.UPDATE, "Tampered", "1.0",
                Json.MAPPER.createObjectNode().put("changed", true), null);

        assertThat(result.status()).isEqualTo(ResultStatus.Failed);
        assertThat(result.errorCode()).isEqualTo("PackageVerificationFailed");
        assertThat(result.message()).contains("PackageModifiedAfterVerification").contains("bin/handler has SHA-256");
        assertThat(calls(folders)).containsExactly("install 1.0 0 -", "enable 1.0 0 -");
    }

    @Test
    void turningTheManagerOffStopsHostedExtensionsButNotOwnServiceOnesAndTurningItOnStartsThemAgain() throws IOException {
        ObjectNode daemon = Json.MAPPER.createObjectNode().put("daemon", true);
        fleet.cloud.storage().publishTestHandler(PUBLISHER, "OwnService", "1.0", true);
        assertThat(run("proc-0008", OperationKind.INSTALL, "Hosted", "1.0", daemon, null).status()).isEqualTo(ResultStatus.Succeeded);
        assertThat(run("proc-0008", OperationKind.INSTALL, "OwnService", "1.0", daemon, null).status()).isEqualTo(ResultStatus.Succeeded);
        long hosted = pid(folders("proc-0008", "Hosted", "1.0"), "daemon.pid");
        long ownService = pid(folders("proc-0008", "OwnService", "1.0"), "daemon.pid");
        try {
            assertThat(alive(hosted)).isTrue();

            fleet.cli("proc-0008", "config", "set", "extensions.enabled", "false");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(alive(hosted)).as("hosted extension").isFalse());
            assertThat(calls(folders("proc-0008", "Hosted", "1.0"))).endsWith("disable 1.0 0 -");
            assertThat(alive(ownService)).as("own-service extension").isTrue();

            fleet.cli("proc-0008", "config", "set", "extensions.enabled", "true");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(calls(folders("proc-0008", "Hosted", "1.0"))).endsWith("disable 1.0 0 -", "enable 1.0 0 -"));
            await().atMost(Duration.ofSeconds(5)).until(() -> alive(pid(folders("proc-0008", "Hosted", "1.0"), "daemon.pid")));
        } finally {
            ProcessHandle.of(ownService).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(pid(folders("proc-0008", "Hosted", "1.0"), "daemon.pid")).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Publishes the test handler as {@code type} (hosted by the manager) and runs one operation on it. */
    private static OperationResult run(String machine, OperationKind kind, String type, String version, ObjectNode settings,
                                       String protectedSettings) {
        fleet.cloud.storage().publishTestHandler(PUBLISHER, type, version, false);
        ExtensionOperation operation = fleet.cloud.operation(machine, kind, PUBLISHER, type, version, settings, protectedSettings);
        fleet.send(operation);
        return fleet.awaitResult(operation);
    }

    private static HandlerFolders folders(String machine, String type, String version) {
        return new HandlerFolders(fleet.machineHome(machine), new ExtensionId(PUBLISHER, type), version);
    }

    private static List<String> calls(HandlerFolders folders) throws IOException {
        return Files.readAllLines(folders.dataDir().resolve("calls.log"));
    }

    private static long pid(HandlerFolders folders, String file) throws IOException {
        return Long.parseLong(Files.readString(folders.dataDir().resolve(file)).strip());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static boolean isRoot() {
        return new HandlerUser.Directory().agentIsRoot();
    }

    /** The fleet's temporary folders are 0700: an extension's user must be able to pass through them. */
    static void letHandlersThrough(FleetHarness fleet) throws IOException {
        for (Path dir = fleet.machineHome("x").getParent(); dir != null; dir = dir.getParent()) {
            Files.createDirectories(dir);
            java.util.Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            if (mode.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(dir, mode);
            }
            if (dir.equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                break;
            }
        }
        try (Stream<Path> machines = Files.list(fleet.home.resolve("machines"))) {
            for (Path machine : (Iterable<Path>) machines::iterator) {
                fleet.cli(machine.getFileName().toString(), "config", "set", "extensions.agent.cpulimit", "100");
            }
        }
    }

    /** The machines' cgroups outlive the test's folders: remove them (they are empty once every process is gone). */
    static void removeCgroups(FleetHarness fleet) throws IOException {
        try (Stream<Path> machines = Files.list(fleet.home.resolve("machines"))) {
            for (Path machine : (Iterable<Path>) machines::iterator) {
                ExtensionCgroups.detect(ExtensionCgroups.machineKey(machine)).removeMachineGroup();
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

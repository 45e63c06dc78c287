package dev.bulwark.agent.host;

import dev.bulwark.agent.guest.GuestStore;
import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.TestCloud;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestAssignment.RuleKind;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.GuestComplianceReport.RuleResult;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guest configuration in the running agent, on a real broker: signed assignments go in on
 * {@value Topics#GUEST_ASSIGNMENTS}, machine-signed compliance reports come out on
 * {@value Topics#GUEST_COMPLIANCE}. Rules read temporary files; the local switches are set with the CLI.
 */
class GuestConfigurationKafkaTest {
    private static final String FULL = "guest-0001";
    private static final String DISABLED = "guest-0002";
    private static final String MONITOR = "guest-0003";
    private static final String TOGGLED = "guest-0004";
    private static final String SYNCED = "guest-0005";

    private static FleetHarness fleet;
    private static Path files;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = FleetHarness.connect("guest", 5);
        fleet.cli(FULL, "config", "set", "extensions.blocklist", "Microsoft.Azure.Extensions/CustomScript");
        fleet.cli(DISABLED, "config", "set", "guestconfiguration.enabled", "false");
        fleet.cli(MONITOR, "config", "set", "config.mode", "monitor");
        fleet.start(settings -> settings.syncInterval(Duration.ofSeconds(1)));
        files = Files.createTempDirectory("bulwark-guest-files");
    }

    @AfterAll
    static void stop() throws IOException {
        fleet.close();
        try (var all = Files.walk(files)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void rulesAreEvaluatedReadOnlyAndReportedWithoutFileContent() throws IOException {
        Path sshd = Files.writeString(files.resolve("sshd_config"), "Port 22\nPermitRootLogin no\n# SECRET-CONTENT-42\n");
        GuestAssignment compliant = assignment(FULL, "ssh-hardening",
                rule("present", RuleKind.FileExists, sshd.toString(), null),
                rule("no-root-login", RuleKind.FileContains, sshd.toString(), "PermitRootLogin no"),
                rule("no-telnet", RuleKind.FileAbsent, files.resolve("telnetd").toString(), null));
        GuestAssignment nonCompliant = assignment(FULL, "ssh-strict",
                rule("banner", RuleKind.FileExists, files.resolve("issue.net").toString(), null),
                rule("root-allowed", RuleKind.FileContains, sshd.toString(), "PermitRootLogin yes"),
                rule("relative", RuleKind.FileExists, "etc/ssh/sshd_config", null));

        send(compliant);
        send(nonCompliant);

        GuestComplianceReport ok = awaitReport(compliant, 1);
        assertThat(ok.complianceStatus()).isEqualTo("Compliant");
        assertThat(ok.errorCode()).isNull();
        assertThat(ok.name()).isEqualTo("ssh-hardening");
        assertThat(ok.rules()).extracting(RuleResult::id).containsExactly("present", "no-root-login", "no-telnet");
        assertThat(ok.rules()).allMatch(RuleResult::compliant);
        assertThat(ok.rules().get(1).reason()).isEqualTo(sshd + " contains the expected text");
        GuestComplianceReport bad = awaitReport(nonCompliant, 1);
        assertThat(bad.complianceStatus()).isEqualTo("NonCompliant");
        assertThat(bad.rules()).extracting(RuleResult::compliant).containsExactly(false, false, false);
        assertThat(bad.rules().get(1).reason()).isEqualTo(sshd + " does not contain the expected text");
        assertThat(bad.rules().get(2).reason()).contains("not an absolute path");
        for (ConsumerRecord<byte[], byte[]> record : fleet.records(Topics.GUEST_COMPLIANCE, TestCloud.machineId(FULL))) {
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain("SECRET-CONTENT-42").doesNotContain("Port 22");
        }
        assertThat(Files.readString(sshd)).isEqualTo("Port 22\nPermitRootLogin no\n# SECRET-CONTENT-42\n");
    }

    @Test
    void guestConfigurationDisabledLocallyIsNotEvaluated() {
        GuestAssignment assignment = assignment(DISABLED, "audit", rule("r", RuleKind.FileExists, "/", null));

        send(assignment);

        GuestComplianceReport report = awaitReport(assignment, 1);
        assertThat(report.complianceStatus()).isEqualTo("NotEvaluated");
        assertThat(report.errorCode()).isEqualTo("GuestConfigurationDisabled");
        assertThat(report.message()).contains("guestconfiguration.enabled is false")
                .contains("bulwark-agent config set guestconfiguration.enabled true");
        assertThat(report.rules()).isEmpty();
    }

    @Test
    void monitorModeTurnsGuestConfigurationOff() {
        GuestAssignment assignment = assignment(MONITOR, "audit", rule("r", RuleKind.FileExists, "/", null));

        send(assignment);

        GuestComplianceReport report = awaitReport(assignment, 1);
        assertThat(report.complianceStatus()).isEqualTo("NotEvaluated");
        assertThat(report.errorCode()).isEqualTo("GuestConfigurationDisabled");
        assertThat(report.message()).contains("monitor mode").contains("bulwark-agent config set config.mode full");
    }

    @Test
    void aLocalSwitchBetweenTwoEvaluationsTakesEffect() throws IOException {
        Path present = Files.writeString(files.resolve("toggled"), "x");
        GuestAssignment assignment = assignment(TOGGLED, "toggle", rule("r", RuleKind.FileExists, present.toString(), null));
        send(assignment);
        assertThat(awaitReport(assignment, 1).complianceStatus()).isEqualTo("Compliant");

        fleet.cli(TOGGLED, "config", "set", "guestconfiguration.enabled", "false");

        GuestComplianceReport off = awaitReport(assignment, 2);
        assertThat(off.complianceStatus()).isEqualTo("NotEvaluated");
        assertThat(off.errorCode()).isEqualTo("GuestConfigurationDisabled");
        fleet.cli(TOGGLED, "config", "set", "guestconfiguration.enabled", "true");
        assertThat(awaitReport(assignment, 3).complianceStatus()).isEqualTo("Compliant");
        assertThat(fleet.cli(TOGGLED, "config", "get", "guestconfiguration.enabled")).contains("true");
    }

    @Test
    void keptAssignmentsAreEvaluatedEverySyncAndReportedOnlyWhenTheResultChanges() throws IOException {
        Path file = Files.writeString(files.resolve("synced"), "x");
        Instant issued = Instant.now();
        GuestAssignment assignment = fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                UUID.randomUUID().toString(), TestCloud.machineId(SYNCED), "synced",
                List.of(rule("r", RuleKind.FileExists, file.toString(), null)), false, issued, null));
        send(assignment);
        assertThat(awaitReport(assignment, 1).complianceStatus()).isEqualTo("Compliant");

        Files.delete(file);

        assertThat(awaitReport(assignment, 2).complianceStatus()).isEqualTo("NonCompliant");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> reports(assignment).size() == 2); // unchanged results are not reported again

        GuestAssignment removal = fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION,
                assignment.assignmentId(), assignment.machineId(), "synced", List.of(), true, issued.plusSeconds(1), null));
        send(removal);
        await().atMost(Duration.ofSeconds(30)).until(() -> !kept(SYNCED).contains(assignment.assignmentId()));
        send(assignment); // a replay of the withdrawn assignment changes nothing
        Files.writeString(file, "x");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> reports(assignment).size() == 2);
        assertThat(kept(SYNCED)).doesNotContain(assignment.assignmentId());
    }

    @Test
    void aRedeliveredAssignmentIsKeptOnceAndReportedAgain() throws IOException {
        GuestAssignment assignment = assignment(FULL, "twice", rule("r", RuleKind.FileAbsent, "/nonexistent/bulwark", null));

        send(assignment);
        send(assignment);

        GuestComplianceReport second = awaitReport(assignment, 2);
        assertThat(second.complianceStatus()).isEqualTo(awaitReport(assignment, 1).complianceStatus()).isEqualTo("Compliant");
        assertThat(kept(FULL).stream().filter(assignment.assignmentId()::equals)).hasSize(1);
    }

    @Test
    void rulesNeverReadTheAgentsOwnFilesAndNeverChangeLocalConfiguration() throws IOException {
        Path home = fleet.machineHome(FULL);
        byte[] config = Files.readAllBytes(home.resolve("localconfig.json"));
        GuestAssignment assignment = assignment(FULL, "snoop",
                rule("keys", RuleKind.FileContains, home.resolve("machine-keys.json").toString(), "signingPrivate"),
                rule("config", RuleKind.FileContains, home.resolve("localconfig.json").toString(), "guestconfiguration"),
                rule("config-exists", RuleKind.FileExists, home.resolve("localconfig.json").toString(), null));

        send(assignment);

        GuestComplianceReport report = awaitReport(assignment, 1);
        assertThat(report.rules().get(0).compliant()).isFalse();
        assertThat(report.rules().get(0).reason()).contains("agent's own files");
        assertThat(report.rules().get(1).reason()).contains("agent's own files");
        assertThat(report.rules().get(2).compliant()).isTrue();
        assertThat(Files.readAllBytes(home.resolve("localconfig.json"))).isEqualTo(config);
    }

    @Test
    void unusableAssignmentsAreDeadLettered() {
        String key = TestCloud.machineId(FULL);
        GuestAssignment genuine = assignment(FULL, "forged", rule("r", RuleKind.FileExists, "/", null));
        GuestAssignment forged = MessageSigner.sign(genuine, Ed25519.generate().getPrivate());
        GuestAssignment otherMachine = assignment(DISABLED, "misrouted", rule("r", RuleKind.FileExists, "/", null));

        fleet.send(Topics.GUEST_ASSIGNMENTS, key, "not JSON".getBytes(StandardCharsets.UTF_8));
        fleet.send(Topics.GUEST_ASSIGNMENTS, key, Json.encode(forged));
        fleet.send(Topics.GUEST_ASSIGNMENTS, key, Json.encode(otherMachine));

        String dlq = Topics.deadLetter(Topics.GUEST_ASSIGNMENTS);
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.records(dlq, key).size() >= 3);
        assertThat(fleet.records(dlq, key)).extracting(r -> header(r, DeadLetter.REASON))
                .containsExactly("MalformedMessage", "SignatureInvalid", "MachineIdMismatch");
        assertThat(fleet.records(dlq, key)).allSatisfy(r ->
                assertThat(header(r, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.GUEST_ASSIGNMENTS));
        assertThat(reports(forged)).isEmpty();
        assertThat(reports(otherMachine)).isEmpty();
    }

    // --- helpers

    private static GuestAssignment.Rule rule(String id, RuleKind kind, String path, String pattern) {
        return new GuestAssignment.Rule(id, kind, path, pattern);
    }

    private static GuestAssignment assignment(String machine, String name, GuestAssignment.Rule... rules) {
        return fleet.cloud.sign(new GuestAssignment(GuestAssignment.SCHEMA_VERSION, UUID.randomUUID().toString(),
                TestCloud.machineId(machine), name, List.of(rules), false, Instant.now(), null));
    }

    private static void send(GuestAssignment assignment) {
        fleet.send(Topics.GUEST_ASSIGNMENTS, assignment.machineId(), Json.encode(assignment));
    }

    /** The machine-signed reports for {@code assignment}, oldest first. */
    private static List<GuestComplianceReport> reports(GuestAssignment assignment) {
        return fleet.records(Topics.GUEST_COMPLIANCE, assignment.machineId()).stream()
                .map(record -> Json.tree(record.value()))
                .filter(tree -> tree.path("assignmentId").asText().equals(assignment.assignmentId()))
                .map(tree -> {
                    assertThat(MessageSigner.verify(tree, fleet.machineKey(assignment.machineId()))).as("machine signature").isTrue();
                    return Json.decodeTree(tree, GuestComplianceReport.class, GuestComplianceReport.SCHEMA_VERSION);
                })
                .toList();
    }

    /** The {@code n}-th report (1-based) for {@code assignment}, once published. */
    private static GuestComplianceReport awaitReport(GuestAssignment assignment, int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(assignment).size() >= n);
        return reports(assignment).get(n - 1);
    }

    private static List<String> kept(String machine) throws IOException {
        return List.copyOf(new GuestStore(fleet.machineHome(machine), false).read().assignments().keySet());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

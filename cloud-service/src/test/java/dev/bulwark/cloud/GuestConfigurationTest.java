package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.TestKafka;
import dev.bulwark.model.DeadLetter;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestComplianceReport;
import dev.bulwark.model.GuestComplianceReport.RuleResult;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.bulwark.cloud.support.TestKafka.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Guest configuration: signed assignments to the machine, verified compliance reports back, the activity log. */
@QuarkusTest
class GuestConfigurationTest {
    static final String API_VERSION = "2024-04-05";
    static final String WRITE = "Microsoft.GuestConfiguration/guestConfigurationAssignments/write";

    @Inject
    Pool pool;

    @Test
    void anAssignmentIsSignedForTheMachineAndShowsItsReports() {
        FakeMachine machine = FakeMachine.registered();

        Response created = put(machine, "ssh-hardening", body());

        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        JsonPath view = created.jsonPath();
        assertThat(view.getString("type")).isEqualTo("Microsoft.GuestConfiguration/guestConfigurationAssignments");
        assertThat(view.getString("id")).isEqualTo(machine.path()
                + "/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments/ssh-hardening");
        assertThat(view.getString("properties.complianceStatus")).isEqualTo("Pending");
        assertThat(view.getString("properties.guestConfiguration.rules[1].pattern")).isEqualTo("PermitRootLogin no");
        assertThat(view.getString("properties.latestAssignmentReport")).isNull();

        ConsumerRecord<byte[], byte[]> record = machine.awaitGuestAssignment(a -> a.name().equals("ssh-hardening"));
        assertThat(MessageSigner.verify(Json.tree(record.value()), Ed25519.decodePublic(machine.cloudSigningKey()))).isTrue();
        GuestAssignment assignment = Json.decode(record.value(), GuestAssignment.class, GuestAssignment.SCHEMA_VERSION);
        assertThat(assignment.machineId()).isEqualTo(machine.machineId());
        assertThat(assignment.removed()).isFalse();
        assertThat(assignment.rules()).containsExactly(
                new GuestAssignment.Rule("sshd-config-present", GuestAssignment.RuleKind.FileExists, "/etc/ssh/sshd_config", null),
                new GuestAssignment.Rule("no-root-login", GuestAssignment.RuleKind.FileContains, "/etc/ssh/sshd_config",
                        "PermitRootLogin no"));

        put(machine, "marker", body());
        String marker = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals("marker")).value(),
                GuestAssignment.class, GuestAssignment.SCHEMA_VERSION).assignmentId();
        Instant evaluated = Instant.now().truncatedTo(ChronoUnit.MICROS);
        GuestComplianceReport report = machine.complianceReport(assignment.assignmentId(), "ssh-hardening", "NonCompliant",
                null, null, List.of(new RuleResult("sshd-config-present", true, "/etc/ssh/sshd_config exists"),
                        new RuleResult("no-root-login", false, "/etc/ssh/sshd_config does not contain the expected text")),
                evaluated);
        machine.send(report);
        machine.send(report);
        machine.send(machine.complianceReport(assignment.assignmentId(), "ssh-hardening", "Compliant", null, null,
                List.of(), evaluated.minusSeconds(60)));
        machine.send(machine.complianceReport(marker, "marker", "Compliant", null, null, List.of(), evaluated));

        // One machine's reports share a partition: once the marker shows, every report before it was applied.
        await().atMost(PATIENCE).until(() -> "Compliant".equals(get(machine, "marker").getString("properties.complianceStatus")));
        JsonPath shown = get(machine, "ssh-hardening");
        assertThat(shown.getString("properties.complianceStatus")).isEqualTo("NonCompliant");
        assertThat(shown.getString("properties.latestAssignmentReport.complianceStatus")).isEqualTo("NonCompliant");
        assertThat(Instant.parse(shown.getString("properties.lastComplianceStatusChecked"))).isEqualTo(evaluated);
        assertThat(shown.getList("properties.latestAssignmentReport.resources.complianceStatus"))
                .containsExactly("Compliant", "NonCompliant");
        assertThat(shown.getString("properties.latestAssignmentReport.resources[1].id")).isEqualTo("no-root-login");
        assertThat(shown.getString("properties.latestAssignmentReport.resources[1].reason")).contains("does not contain");

        List<JsonPath> events = ExtensionLifecycleTest.eventsOf(machine, created.header("x-ms-correlation-request-id"), 2)
                .stream().map(e -> new JsonPath(e.toString())).toList();
        assertThat(events).extracting(e -> e.getString("status.value")).containsExactlyInAnyOrder("Started", "Succeeded");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getString("operationName.value")).isEqualTo(WRITE);
            assertThat(e.getString("resourceType.value")).isEqualTo("Microsoft.GuestConfiguration/guestConfigurationAssignments");
            assertThat(e.getString("operationId")).isEqualTo(assignment.assignmentId());
        });

        // A later report is shown; the outcome event was logged once, for the first report of this version.
        machine.send(machine.complianceReport(assignment.assignmentId(), "ssh-hardening", "Compliant", null, null,
                List.of(), evaluated.plusSeconds(60)));
        await().atMost(PATIENCE).until(() -> "Compliant".equals(get(machine, "ssh-hardening").getString("properties.complianceStatus")));
        assertThat(ExtensionLifecycleTest.eventsOf(machine, created.header("x-ms-correlation-request-id"), 2)).hasSize(2);
    }

    @Test
    void aMachineWithGuestConfigurationDisabledReportsNotEvaluated() {
        FakeMachine machine = FakeMachine.registered();
        Response created = put(machine, "baseline", body());
        GuestAssignment assignment = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals("baseline")).value(),
                GuestAssignment.class, GuestAssignment.SCHEMA_VERSION);
        String message = "Guest configuration is disabled on this machine (guestconfiguration.enabled is false). A local"
                + " administrator can enable it with: bulwark-agent config set guestconfiguration.enabled true";

        machine.send(machine.complianceReport(assignment.assignmentId(), "baseline", "NotEvaluated",
                "GuestConfigurationDisabled", message, List.of(), Instant.now()));

        await().atMost(PATIENCE).until(() -> "NotEvaluated".equals(get(machine, "baseline").getString("properties.complianceStatus")));
        JsonPath shown = get(machine, "baseline");
        assertThat(shown.getString("properties.latestAssignmentReport.errorCode")).isEqualTo("GuestConfigurationDisabled");
        assertThat(shown.getString("properties.latestAssignmentReport.message")).isEqualTo(message);
        JsonPath failed = ExtensionLifecycleTest.eventsOf(machine, created.header("x-ms-correlation-request-id"), 2).stream()
                .map(e -> new JsonPath(e.toString())).filter(e -> e.getString("status.value").equals("Failed"))
                .findFirst().orElseThrow();
        assertThat(failed.getString("properties.errorCode")).isEqualTo("GuestConfigurationDisabled");
        assertThat(failed.getString("properties.message")).isEqualTo(message);
        assertThat(failed.getString("level")).isEqualTo("Error");
    }

    @Test
    void forgedOrMisaddressedReportsAreDeadLetteredAndChangeNothing() {
        FakeMachine machine = FakeMachine.registered();
        FakeMachine other = FakeMachine.registered();
        put(machine, "baseline", body());
        GuestAssignment assignment = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals("baseline")).value(),
                GuestAssignment.class, GuestAssignment.SCHEMA_VERSION);
        GuestComplianceReport genuine = machine.complianceReport(assignment.assignmentId(), "baseline", "Compliant", null,
                null, List.of(), Instant.now());
        byte[] forged = Json.encode(MessageSigner.sign(genuine.withSignature(null), Ed25519.generate().getPrivate()));
        byte[] othersClaim = Json.encode(other.complianceReport(assignment.assignmentId(), "baseline", "Compliant", null,
                null, List.of(), Instant.now()));

        TestKafka.send(Topics.GUEST_COMPLIANCE, machine.machineId(), forged);
        TestKafka.send(Topics.GUEST_COMPLIANCE, other.machineId(), othersClaim);

        assertThat(TestKafka.header(deadLetter(forged), DeadLetter.REASON)).isEqualTo("SignatureInvalid");
        assertThat(TestKafka.header(deadLetter(othersClaim), DeadLetter.REASON)).isEqualTo("MachineIdMismatch");
        assertThat(get(machine, "baseline").getString("properties.complianceStatus")).isEqualTo("Pending");
    }

    @Test
    void aNewVersionIsPendingAgainAndIgnoresReportsOfTheOldOne() {
        FakeMachine machine = FakeMachine.registered();
        put(machine, "baseline", body());
        String first = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals("baseline")).value(),
                GuestAssignment.class, GuestAssignment.SCHEMA_VERSION).assignmentId();
        ObjectNode changed = body();
        ((ObjectNode) changed.at("/properties/guestConfiguration")).put("version", "2.0");

        Response replaced = put(machine, "baseline", changed);
        String second = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals("baseline") && !a.assignmentId().equals(first))
                .value(), GuestAssignment.class, GuestAssignment.SCHEMA_VERSION).assignmentId();
        machine.send(machine.complianceReport(first, "baseline", "Compliant", null, null, List.of(), Instant.now()));
        machine.send(machine.complianceReport(second, "baseline", "NonCompliant", null, null, List.of(), Instant.now().minusSeconds(5)));

        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(replaced.jsonPath().getString("properties.guestConfiguration.version")).isEqualTo("2.0");
        await().atMost(PATIENCE).until(() -> "NonCompliant".equals(get(machine, "baseline").getString("properties.complianceStatus")));
    }

    @Test
    void deleteWithdrawsTheAssignmentFromTheMachine() {
        FakeMachine machine = FakeMachine.registered();
        put(machine, "one", body());
        put(machine, "two", body());
        assertThat(given().queryParam("api-version", "2022-01-25").get(machine.guestAssignmentPath("").replaceFirst("/$", ""))
                .jsonPath().getList("value.name")).containsExactly("one", "two");
        String id = Json.decode(machine.awaitGuestAssignment(a -> a.name().equals("one")).value(), GuestAssignment.class,
                GuestAssignment.SCHEMA_VERSION).assignmentId();

        Response deleted = given().queryParam("api-version", API_VERSION).delete(machine.guestAssignmentPath("one"));

        assertThat(deleted.statusCode()).isEqualTo(200);
        GuestAssignment withdrawal = Json.decode(machine.awaitGuestAssignment(a -> a.assignmentId().equals(id) && a.removed())
                .value(), GuestAssignment.class, GuestAssignment.SCHEMA_VERSION);
        assertThat(withdrawal.name()).isEqualTo("one");
        assertThat(given().queryParam("api-version", API_VERSION).get(machine.guestAssignmentPath("one")).statusCode()).isEqualTo(404);
        assertThat(given().queryParam("api-version", API_VERSION).delete(machine.guestAssignmentPath("one")).statusCode()).isEqualTo(204);
        assertThat(ExtensionLifecycleTest.eventsOf(machine, deleted.header("x-ms-correlation-request-id"), 2))
                .extracting(e -> e.at("/status/value").asText()).containsExactlyInAnyOrder("Started", "Succeeded");
    }

    @Test
    void badBodiesAreRefusedNamingThePropertyAndStoreNothing() {
        FakeMachine machine = FakeMachine.registered();
        Map<String, Consumer<ObjectNode>> breakers = Map.of(
                "properties.guestConfiguration.rules[0].kind", b -> rule(b, 0).put("kind", "FileDeleted"),
                "properties.guestConfiguration.rules[0].path", b -> rule(b, 0).put("path", "etc/ssh/sshd_config"),
                "properties.guestConfiguration.rules[1].pattern", b -> rule(b, 1).remove("pattern"),
                "properties.guestConfiguration.rules[0].pattern", b -> rule(b, 0).put("pattern", "x"),
                "properties.guestConfiguration.rules[1].id", b -> rule(b, 1).put("id", "SSHD-config-present"),
                "properties.guestConfiguration.rules", b -> {
                    var rules = (ArrayNode) b.at("/properties/guestConfiguration/rules");
                    for (int i = 0; i < 100; i++) {
                        rules.addObject().put("id", "r" + i).put("kind", "FileExists").put("path", "/tmp/" + i);
                    }
                },
                "properties.guestConfiguration.name", b -> ((ObjectNode) b.at("/properties/guestConfiguration")).remove("name"));

        breakers.forEach((property, breaker) -> {
            ObjectNode body = body();
            breaker.accept(body);
            Response refused = put(machine, "bad", body);
            assertThat(refused.statusCode()).as(property + ": " + refused.asString()).isEqualTo(400);
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("InvalidParameter");
            assertThat(refused.jsonPath().getString("error.target")).isEqualTo(property);
        });
        assertThat(given().contentType(ContentType.JSON).body(body().toString()).queryParam("api-version", "2024-07-10")
                .put(machine.guestAssignmentPath("bad")).jsonPath().getString("error.code")).isEqualTo("InvalidApiVersionParameter");
        assertThat(given().contentType(ContentType.JSON).body("{\"properties\": [").queryParam("api-version", API_VERSION)
                .put(machine.guestAssignmentPath("bad")).jsonPath().getString("error.code")).isEqualTo("InvalidRequestContent");
        assertThat(Database.count(pool, "SELECT (SELECT count(*) FROM guest_assignment WHERE machine_id = $1)"
                + " + (SELECT count(*) FROM outbox WHERE $1 = ANY(machine_ids))"
                + " + (SELECT count(*) FROM activity_event WHERE resource_id LIKE $1 || '/%')", machine.machineId())).isZero();
        assertThat(given().queryParam("api-version", API_VERSION).get(machine.guestAssignmentPath("bad")).statusCode()).isEqualTo(404);
    }

    static ObjectNode body() {
        return (ObjectNode) Json.tree(("{\"location\":\"westeurope\",\"properties\":{\"guestConfiguration\":{"
                + "\"name\":\"SshHardening\",\"version\":\"1.0\",\"rules\":["
                + "{\"id\":\"sshd-config-present\",\"kind\":\"FileExists\",\"path\":\"/etc/ssh/sshd_config\"},"
                + "{\"id\":\"no-root-login\",\"kind\":\"FileContains\",\"path\":\"/etc/ssh/sshd_config\","
                + "\"pattern\":\"PermitRootLogin no\"}]}}}").getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode rule(ObjectNode body, int index) {
        return (ObjectNode) body.at("/properties/guestConfiguration/rules/" + index);
    }

    private static Response put(FakeMachine machine, String name, ObjectNode body) {
        return given().contentType(ContentType.JSON).body(body.toString()).queryParam("api-version", API_VERSION)
                .put(machine.guestAssignmentPath(name));
    }

    private static JsonPath get(FakeMachine machine, String name) {
        return given().queryParam("api-version", API_VERSION).get(machine.guestAssignmentPath(name))
                .then().statusCode(200).extract().jsonPath();
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(byte[] value) {
        return TestKafka.awaitRecord(Topics.deadLetter(Topics.GUEST_COMPLIANCE), r -> Arrays.equals(r.value(), value));
    }
}

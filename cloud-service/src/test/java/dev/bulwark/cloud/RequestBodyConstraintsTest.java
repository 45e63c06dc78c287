package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeFleet;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.model.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each constraint of the request-body records ({@code rest.body}) refuses its property with 400 and names it by its
 * path in {@code error.target}: patterns, required properties, wrong JSON types, ranges, tags, and the rules across
 * properties that stay written by hand. A refused body changes nothing, and protected settings are never echoed.
 */
@QuarkusTest
class RequestBodyConstraintsTest {

    @Test
    void extensionPutAndPatchNameTheRefusedProperty() {
        FakeMachine machine = FakeMachine.registered();
        String path = machine.extensionPath("logs");

        refused(put(path, Arm.API_VERSION, extension(p -> p.put("publisher", "Contoso/Monitoring"))), "properties.publisher",
                "letters, digits");
        refused(put(path, Arm.API_VERSION, extension(p -> p.remove("type"))), "properties.type", "is missing");
        refused(put(path, Arm.API_VERSION, extension(p -> p.put("typeHandlerVersion", "1 0"))), "properties.typeHandlerVersion",
                "a version");
        refused(put(path, Arm.API_VERSION, extension(p -> p.put("forceUpdateTag", "a\tb"))), "properties.forceUpdateTag",
                "printable");
        refused(put(path, Arm.API_VERSION, extension(p -> p.put("autoUpgradeMinorVersion", "true"))),
                "properties.autoUpgradeMinorVersion", "true or false");
        refused(put(path, Arm.API_VERSION, extension(p -> p.put("enableAutomaticUpgrade", 1))),
                "properties.enableAutomaticUpgrade", "true or false");
        refused(put(path, Arm.API_VERSION, extension(p -> p.put("settings", "endpoint=x"))), "properties.settings",
                "a JSON object");
        refused(put(path, Arm.API_VERSION, extension(p -> p.put("typeHandlerVersion", 1.0))), "properties.typeHandlerVersion",
                "a string");
        ObjectNode badRegion = Bodies.extension("1.0").put("location", "west_europe");
        refused(put(path, Arm.API_VERSION, badRegion.toString()), "location", "region");
        ObjectNode noProperties = Bodies.extension("1.0");
        noProperties.remove("properties");
        refused(put(path, Arm.API_VERSION, noProperties.toString()), "properties", "is missing");

        // PATCH: nothing is required, but what is given is checked the same way.
        refused(patch(path, "{\"properties\":{\"publisher\":\"a/b\"}}"), "properties.publisher", "letters, digits");
        assertThat(machine.getExtension("logs").statusCode()).as("nothing was written").isEqualTo(404);
    }

    @Test
    void protectedSettingsAreNeverEchoedInARefusal() {
        FakeMachine machine = FakeMachine.registered();
        ObjectNode body = Bodies.extensionWithSecret("1.0", "s3cret-never-echoed");
        ((ObjectNode) body.get("properties")).put("publisher", "a/b").put("enableAutomaticUpgrade", "yes");

        Response refused = put(machine.extensionPath("logs"), Arm.API_VERSION, body.toString());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.asString()).doesNotContain("s3cret-never-echoed");
    }

    @Test
    void severalViolationsAnswerTheFirstByPathAndListEachInDetails() {
        FakeMachine machine = FakeMachine.registered();
        String body = extension(p -> p.put("type", "a b").put("publisher", "c/d"));

        Response refused = put(machine.extensionPath("logs"), Arm.API_VERSION, body);

        refused(refused, "properties.publisher", "letters, digits");
        assertThat(refused.jsonPath().getList("error.details.message", String.class))
                .anyMatch(m -> m.contains("'properties.publisher'")).anyMatch(m -> m.contains("'properties.type'"));
    }

    @Test
    void machineRegistrationChecksKeysTagsAndVersion() {
        FakeMachine machine = FakeMachine.unregistered();

        refused(put(machine.path(), Arm.API_VERSION, registration(machine, b -> keys(b).put("encryption", "bm90IGEga2V5"))),
                "properties.agentPublicKeys.encryption", "X25519");
        refused(put(machine.path(), Arm.API_VERSION, registration(machine, b -> keys(b).remove("signing"))),
                "properties.agentPublicKeys.signing", "is missing");
        refused(put(machine.path(), Arm.API_VERSION, registration(machine, b -> ((ObjectNode) b.get("properties"))
                .put("agentVersion", "1.0 beta"))), "properties.agentVersion", "a version");
        refused(put(machine.path(), Arm.API_VERSION, registration(machine, b -> b.putObject("tags").put("owner", "x".repeat(257)))),
                "tags.owner", "at most 256");
        refused(put(machine.path(), Arm.API_VERSION, registration(machine, b -> b.putObject("tags").put("owner", 7))),
                "tags.owner", "a string");
        refused(put(machine.path(), Arm.API_VERSION, registration(machine, b -> {
            ObjectNode tags = b.putObject("tags");
            for (int i = 0; i <= 50; i++) {
                tags.put("t" + i, "v");
            }
        })), "tags", "at most 50 tags");
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(machine.path()).statusCode()).isEqualTo(404);
    }

    @Test
    void upgradeExtensionsNamesTheTargetByItsKey() {
        FakeMachine machine = FakeMachine.registered();
        String path = machine.path() + "/upgradeExtensions";

        refused(post(path, Arm.API_VERSION, "{\"extensionTargets\":{}}"), "extensionTargets", "no extension to upgrade");
        refused(post(path, Arm.API_VERSION, "{\"extensionTargets\":{\"NoDot\":{\"targetVersion\":\"1.1\"}}}"),
                "extensionTargets.NoDot", "Publisher.Type");
        refused(post(path, Arm.API_VERSION, "{\"extensionTargets\":{\"Contoso.LogShipper\":{}}}"),
                "extensionTargets.Contoso.LogShipper.targetVersion", "is missing");
        refused(post(path, Arm.API_VERSION, "{}"), "extensionTargets", "is missing");
    }

    @Test
    void fleetRegistrationNamesTheMachineByItsIndex() {
        FakeMachine one = FakeMachine.unregistered();
        String path = "/subscriptions/sub-test/resourceGroups/" + one.resourceGroup + "/providers/Bulwark.Fleet/registerMachines";

        refused(post(path, FakeFleet.FLEET_API_VERSION, fleet(one, m -> ((ObjectNode) m.get(1)).put("name", "no spaces"))), "machines[1].name",
                "letters, digits");
        refused(post(path, FakeFleet.FLEET_API_VERSION, fleet(one, m -> ((ObjectNode) m.get(1)).put("name", one.name.toUpperCase()))),
                "machines[1].name", "listed twice");
        refused(post(path, FakeFleet.FLEET_API_VERSION, "{\"location\":\"westeurope\",\"machines\":[]}"), "machines",
                "1 to 5000 machines");
        refused(post(path, FakeFleet.FLEET_API_VERSION, fleet(one, m -> ((ObjectNode) m.get(0)).remove("agentPublicKeys"))),
                "machines[0].agentPublicKeys", "is missing");
    }

    @Test
    void rolloutsNameEveryNestedProperty() {
        String path = "/subscriptions/sub-test/resourceGroups/rg-" + UUID.randomUUID().toString().substring(0, 8)
                + "/providers/Bulwark.Fleet/extensionRollouts/r1";

        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> strategy(r).putArray("stages").addObject()
                .put("count", 1).put("percent", 10))), "properties.strategy.stages[0].count", "exactly one of");
        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> strategy(r).put("pauseBetweenStages", "P2D"))),
                "properties.strategy.pauseBetweenStages", "ISO-8601 duration");
        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> ((ObjectNode) r.get("properties")).putObject("target")
                .putArray("machines").add("machine-1").add("not a name"))), "properties.target.machines[1]", "machine name");
        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> ((ObjectNode) r.at("/properties/extension/properties"))
                .remove("publisher"))), "properties.extension.properties.publisher", "is missing");
        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> ((ObjectNode) r.at("/properties/extension/properties"))
                .remove("typeHandlerVersion"))), "properties.extension.properties.typeHandlerVersion", "is missing");
        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> ((ObjectNode) r.get("properties")).put("whatIf", "no"))),
                "properties.whatIf", "true or false");
        refused(put(path, FakeFleet.FLEET_API_VERSION, rollout(r -> strategy(r).put("maxFailurePercent", 5.5))),
                "properties.strategy.maxFailurePercent", "whole number");
    }

    @Test
    void roleAssignmentsAndOnboardingSecretsNameTheirProperties() {
        String assignment = "/subscriptions/sub-test/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID();
        String secret = "/subscriptions/sub-test/resourceGroups/rg-" + UUID.randomUUID().toString().substring(0, 8)
                + "/providers/Bulwark.Fleet/onboardingSecrets/s1";

        refused(put(assignment, "2022-04-01", "{\"properties\":{\"roleDefinitionId\":\"Reader\",\"principalId\":\"not allowed!\"}}"),
                "properties.principalId", "letters, digits");
        refused(put(assignment, "2022-04-01", "{\"properties\":{\"principalId\":\"someone\"}}"),
                "properties.roleDefinitionId", "is missing");
        refused(put(secret, FakeFleet.FLEET_API_VERSION, "{\"properties\":{\"registrationLimit\":0}}"),
                "properties.registrationLimit", "from 1 to");
        refused(put(secret, FakeFleet.FLEET_API_VERSION, "{\"properties\":{\"registrationLimit\":\"5\"}}"),
                "properties.registrationLimit", "whole number");
        // Every property of an onboarding secret has a default: an empty body creates one.
        assertThat(put(secret, FakeFleet.FLEET_API_VERSION, "").statusCode()).isEqualTo(201);
    }

    private static void refused(Response response, String target, String message) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("InvalidParameter");
        assertThat(response.jsonPath().getString("error.target")).as(response.asString()).isEqualTo(target);
        assertThat(response.jsonPath().getString("error.message")).contains("'" + target + "'").contains(message);
    }

    private static String extension(Consumer<ObjectNode> edit) {
        ObjectNode body = Bodies.extension("1.0");
        edit.accept((ObjectNode) body.get("properties"));
        return body.toString();
    }

    private static String registration(FakeMachine machine, Consumer<ObjectNode> edit) {
        ObjectNode body = (ObjectNode) Json.tree(machine.registrationBody().getBytes(StandardCharsets.UTF_8));
        edit.accept(body);
        return body.toString();
    }

    private static ObjectNode keys(ObjectNode registration) {
        return (ObjectNode) registration.at("/properties/agentPublicKeys");
    }

    /** Two machines, the first {@code one}, the second a copy of it named {@code other}, changed by {@code edit}. */
    private static String fleet(FakeMachine one, Consumer<ArrayNode> edit) {
        ObjectNode machine = (ObjectNode) Json.tree(one.registrationBody().getBytes(StandardCharsets.UTF_8)).get("properties");
        machine.put("name", one.name);
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "westeurope");
        ArrayNode machines = body.putArray("machines");
        machines.add(machine);
        machines.add(machine.deepCopy().put("name", "other"));
        edit.accept(machines);
        return body.toString();
    }

    private static String rollout(Consumer<ObjectNode> edit) {
        ObjectNode body = (ObjectNode) Json.tree(("{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\","
                + "\"extension\":{\"name\":\"logs\",\"properties\":{\"publisher\":\"" + Bodies.PUBLISHER + "\",\"type\":\""
                + Bodies.TYPE + "\",\"typeHandlerVersion\":\"1.0\"}}}}").getBytes(StandardCharsets.UTF_8));
        edit.accept(body);
        return body.toString();
    }

    private static ObjectNode strategy(ObjectNode rollout) {
        return ((ObjectNode) rollout.get("properties")).putObject("strategy");
    }

    private static Response put(String path, String apiVersion, String body) {
        return given().contentType(ContentType.JSON).body(body).queryParam("api-version", apiVersion).put(path);
    }

    private static Response patch(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).queryParam("api-version", Arm.API_VERSION).patch(path);
    }

    private static Response post(String path, String apiVersion, String body) {
        return given().contentType(ContentType.JSON).body(body).queryParam("api-version", apiVersion).post(path);
    }
}

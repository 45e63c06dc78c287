package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeFleet;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Poison request bodies on each API endpoint that writes, one case per kind: each is refused with a 4xx in ARM's
 * error shape naming the problem, and a good request to the same endpoint right after succeeds.
 *
 * <p>The bodies are the endpoint's own good body, poisoned in a free text the API would store (extension and
 * rollout settings, a machine tag, a guest rule's pattern): not JSON, an array, a wrong type, a NUL (U+0000),
 * bytes that are not UTF-8 or are overlong UTF-8 (the built-in reader would have stored U+FFFD), a property
 * given twice, and a body over {@code bulwark.cloud.max-request-size} (256K in tests).
 */
@QuarkusTest
class PoisonRequestTest {
    /** Where the poison goes in each good body. */
    private static final String MARK = "@@";

    enum Poison {
        NOT_JSON(400, "InvalidRequestContent", "not valid JSON"),
        ARRAY(400, "InvalidRequestContent", "must be a JSON object"),
        WRONG_TYPE(400, "InvalidParameter", "'properties' must be a JSON object"),
        NUL_IN_TEXT(400, "InvalidRequestContent", "NUL character (U+0000)"),
        INVALID_UTF8(400, "InvalidRequestContent", "not valid UTF-8"),
        OVERLONG_UTF8(400, "InvalidRequestContent", "not valid UTF-8"),
        DUPLICATE_KEY(400, "InvalidRequestContent", "same property twice"),
        OVERSIZED(413, "RequestEntityTooLarge", "bulwark.cloud.max-request-size");

        final int status;
        final String code;
        final String message;

        Poison(int status, String code, String message) {
            this.status = status;
            this.code = code;
            this.message = message;
        }
    }

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void putExtension(Poison poison) {
        FakeMachine machine = FakeMachine.registered();
        ObjectNode body = Bodies.extension("1.0");
        body.with("properties").with("settings").put("endpoint", "https://logs.example.test/" + MARK);

        Response refused = refusedThenGood(poison, machine.extensionPath("logs"), Arm.API_VERSION, body.toString(), 202);

        if (poison == Poison.NUL_IN_TEXT) {
            assertThat(refused.jsonPath().getString("error.target")).isEqualTo("properties.settings.endpoint");
        }
        assertThat(machine.getExtension("logs").jsonPath().getString("properties.settings.endpoint"))
                .isEqualTo("https://logs.example.test/");
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void putMachine(Poison poison) {
        FakeMachine machine = FakeMachine.unregistered();
        ObjectNode body = (ObjectNode) Json.tree(machine.registrationBody().getBytes(StandardCharsets.UTF_8));
        body.putObject("tags").put("owner", "team-" + MARK);

        Response refused = refusedThenGood(poison, machine.path(), Arm.API_VERSION, body.toString(), 201);

        if (poison == Poison.NUL_IN_TEXT) {
            // A tag is stored as jsonb, which refuses U+0000: without the check this was a 500.
            assertThat(refused.jsonPath().getString("error.target")).isEqualTo("tags.owner");
        }
        assertThat(given().queryParam("api-version", Arm.API_VERSION).get(machine.path()).jsonPath().getString("tags.owner"))
                .isEqualTo("team-");
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void putGuestAssignment(Poison poison) {
        FakeMachine machine = FakeMachine.registered();
        ObjectNode body = GuestConfigurationTest.body();
        ((ObjectNode) body.at("/properties/guestConfiguration/rules/1")).put("pattern", "PermitRootLogin no" + MARK);

        refusedThenGood(poison, machine.guestAssignmentPath("ssh"), GuestConfigurationTest.API_VERSION, body.toString(), 201);

        assertThat(given().queryParam("api-version", GuestConfigurationTest.API_VERSION).get(machine.guestAssignmentPath("ssh"))
                .jsonPath().getString("properties.guestConfiguration.rules[1].pattern")).isEqualTo("PermitRootLogin no");
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void putRollout(Poison poison) throws Exception {
        try (FakeFleet fleet = FakeFleet.of(1).register()) {
            ObjectNode body = (ObjectNode) Json.tree(("{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\","
                    + "\"extension\":{\"name\":\"logs\",\"properties\":{\"publisher\":\"" + Bodies.PUBLISHER + "\",\"type\":\""
                    + Bodies.TYPE + "\",\"typeHandlerVersion\":\"1.0\",\"settings\":{\"endpoint\":\"https://logs.example.test/"
                    + MARK + "\"}}}}}").getBytes(StandardCharsets.UTF_8));

            refusedThenGood(poison, fleet.rolloutPath("logs"), FakeFleet.FLEET_API_VERSION, body.toString(), 202);

            assertThat(given().queryParam("api-version", FakeFleet.FLEET_API_VERSION).get(fleet.rolloutPath("logs"))
                    .jsonPath().getString("properties.extension.properties.settings.endpoint")).isEqualTo("https://logs.example.test/");
        }
    }

    /**
     * PUTs the poisoned body and checks the refusal, then PUTs the good body (the mark removed) and checks that it
     * succeeded with {@code success}; returns the refusal.
     */
    private static Response refusedThenGood(Poison poison, String path, String apiVersion, String good, int success) {
        assertThat(good).contains(MARK);
        Response refused = put(path, apiVersion, poisoned(poison, good));

        String message = refused.contentType().startsWith("application/json") ? refused.jsonPath().getString("error.message") : null;
        assertThat(refused.statusCode()).as("%s: %s", poison, message).isEqualTo(poison.status);
        assertThat(refused.contentType()).startsWith("application/json");
        assertThat(refused.jsonPath().getString("error.code")).as(message).isEqualTo(poison.code);
        assertThat(message).contains(poison.message).doesNotContain("Exception").doesNotContain("dev.bulwark");

        Response accepted = put(path, apiVersion, good.replace(MARK, "").getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).as("the good request after %s: %s", poison,
                accepted.statusCode() >= 400 ? accepted.jsonPath().getString("error.message") : "").isEqualTo(success);
        return refused;
    }

    private static byte[] poisoned(Poison poison, String good) {
        return switch (poison) {
            case NOT_JSON -> "this is not JSON".getBytes(StandardCharsets.UTF_8);
            case ARRAY -> ("[" + good.replace(MARK, "") + "]").getBytes(StandardCharsets.UTF_8);
            case WRONG_TYPE -> {
                ObjectNode tree = (ObjectNode) Json.tree(good.replace(MARK, "").getBytes(StandardCharsets.UTF_8));
                tree.put("properties", 42);
                yield Json.encode(tree);
            }
            // As JSON writes it: an escape, which a parser turns into the character U+0000.
            case NUL_IN_TEXT -> good.replace(MARK, "\\u0000").getBytes(StandardCharsets.UTF_8);
            case INVALID_UTF8 -> withBytes(good, new byte[]{(byte) 0xFF, (byte) 0xFE});
            case OVERLONG_UTF8 -> withBytes(good, new byte[]{(byte) 0xC0, (byte) 0x80});
            case DUPLICATE_KEY -> ("{\"location\":\"eastus\"," + good.replace(MARK, "").substring(1)).getBytes(StandardCharsets.UTF_8);
            case OVERSIZED -> ("{\"padding\":\"" + "x".repeat(300 * 1024) + "\"," + good.replace(MARK, "").substring(1))
                    .getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] withBytes(String good, byte[] bytes) {
        int at = good.indexOf(MARK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(good.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(good.substring(at + MARK.length()).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static Response put(String path, String apiVersion, byte[] body) {
        return given().contentType(ContentType.JSON).body(body).queryParam("api-version", apiVersion).put(path);
    }
}

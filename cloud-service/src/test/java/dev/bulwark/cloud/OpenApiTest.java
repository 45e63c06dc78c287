package dev.bulwark.cloud;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** /q/openapi describes the bodies with the schemas of their records, not as free strings. */
@QuarkusTest
class OpenApiTest {
    private static final String EXTENSION = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers"
            + "/Microsoft.HybridCompute/machines/{machineName}/extensions/{extensionName}";

    @Test
    void theExtensionPutBodyIsASchemaWithItsProperties() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();

        Map<String, Map<String, Object>> content = api.getMap("paths.'" + EXTENSION + "'.put.requestBody.content");
        assertThat(content).isNotEmpty();
        assertThat(content.values().iterator().next()).containsEntry("schema", Map.of("$ref", "#/components/schemas/MachineExtension"));
        assertThat(api.getMap("components.schemas.MachineExtension.properties")).containsKeys("location", "properties");
        JsonPath properties = api.setRootPath("components.schemas.MachineExtensionProperties.properties");
        assertThat(properties.getMap("")).containsKeys("publisher", "type", "typeHandlerVersion", "settings",
                "protectedSettings", "autoUpgradeMinorVersion", "enableAutomaticUpgrade", "forceUpdateTag");
        assertThat(properties.getString("publisher.type")).isEqualTo("string");
        assertThat(properties.getString("settings.type")).isEqualTo("object");
        assertThat(properties.getString("autoUpgradeMinorVersion.type")).isEqualTo("boolean");
        assertThat(properties.getString("protectedSettings.description")).contains("never returned");
    }

    @Test
    void responsesAndOtherBodiesHaveSchemasToo() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();

        assertThat(api.getMap("components.schemas")).containsKeys("MachineRegistration", "ExtensionRollout",
                "GuestConfigurationAssignment", "MachineExtensionUpgrade", "EventData", "SenderAuthorization");
        assertThat(api.getMap("components.schemas.EventData.properties")).containsKeys("authorization", "claims",
                "eventTimestamp", "operationName", "status", "level");
        assertThat(api.getMap("components.schemas.ExtensionRolloutStage.properties")).containsKeys("count", "percent");
    }

    /** Quarkus serves Swagger UI in dev and test mode only; a packaged (prod) cloud leaves it out. */
    @Test
    void swaggerUiIsServedOutsideProduction() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}

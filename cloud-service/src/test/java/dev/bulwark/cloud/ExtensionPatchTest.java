package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.OperationKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** PATCH changes only the properties it names; it needs an existing extension. */
@QuarkusTest
class ExtensionPatchTest {

    /** Installs and upgrades need published packages. */
    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void aPatchOfSettingsReconfiguresAndKeepsEverythingElse() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");

        Response accepted = patch(machine, "logs", "{\"properties\":{\"settings\":{\"level\":\"debug\"},"
                + "\"protectedSettings\":{\"key\":\"k\"}}}");

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.jsonPath().getString("properties.provisioningState")).isEqualTo("Updating");
        assertThat(accepted.jsonPath().getString("properties.typeHandlerVersion")).isEqualTo("1.0");
        assertThat(accepted.jsonPath().getString("properties.publisher")).isEqualTo("Contoso.Monitoring");
        ExtensionOperation update = machine.awaitOperation(Arm.operationIdOf(accepted)).operation();
        assertThat(update.kind()).isEqualTo(OperationKind.UPDATE);
        assertThat(update.extension().settings().get("level").asText()).isEqualTo("debug");
        assertThat(update.extension().protectedSettings()).isNotNull();
    }

    @Test
    void aPatchThatChangesThePublisherIsRefusedAndAPatchOfNothingIsNotFound() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");

        Response changed = patch(machine, "logs", "{\"properties\":{\"publisher\":\"Other.Publisher\"}}");
        Response missing = patch(machine, "absent", "{\"properties\":{\"typeHandlerVersion\":\"2.0\"}}");

        assertThat(changed.statusCode()).isEqualTo(400);
        assertThat(changed.jsonPath().getString("error.code")).isEqualTo("PropertyChangeNotAllowed");
        assertThat(changed.jsonPath().getString("error.target")).isEqualTo("properties.publisher");
        assertThat(machine.getExtension("logs").jsonPath().getString("properties.provisioningState")).isEqualTo("Succeeded");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.jsonPath().getString("error.code")).isEqualTo("ResourceNotFound");
    }

    private static Response patch(FakeMachine machine, String extension, String body) {
        return given().contentType(ContentType.JSON).body(body).queryParam("api-version", Arm.API_VERSION)
                .patch(machine.extensionPath(extension));
    }
}

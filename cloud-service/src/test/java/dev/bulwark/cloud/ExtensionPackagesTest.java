package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Http;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogVerifier;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.catalog.VerifiedCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Installs and upgrades carry the package and catalog references; a version nobody published is refused. */
@QuarkusTest
class ExtensionPackagesTest {
    @Inject
    Pool pool;

    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void anInstallCarriesPackageAndCatalogReferencesThatMatchStorage() throws Exception {
        FakeMachine machine = FakeMachine.registered();
        JsonPath published = Packages.get(Bodies.PUBLISHER, Bodies.TYPE, "1.0").jsonPath();

        ExtensionOperation install = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("logs",
                Bodies.extension("1.0")))).operation();

        assertThat(install.kind()).isEqualTo(OperationKind.INSTALL);
        assertThat(install.packageRef().url()).isEqualTo(published.getString("properties.extensionUris[0]"));
        assertThat(install.packageRef().sha256()).isEqualTo(published.getString("properties.sha256"));
        assertThat(install.packageRef().size()).isEqualTo(published.getLong("properties.length"));
        byte[] zip = Http.get(install.packageRef().url()).body();
        assertThat(Sha256.hex(zip)).isEqualTo(install.packageRef().sha256());
        JsonPath catalog = PackagePublishingTest.currentCatalog();
        assertThat(install.catalog().url()).isEqualTo(catalog.getString("properties.url"));
        assertThat(install.catalog().version()).isEqualTo(catalog.getLong("properties.catalogVersion"));
        VerifiedCatalog verified = new CatalogVerifier(machine.catalogTrustRoots())
                .verify(Http.get(install.catalog().url()).body(), Instant.now());
        assertThat(verified.version()).isGreaterThanOrEqualTo(install.catalog().version());
        assertThat(verified.require(new ExtensionId(Bodies.PUBLISHER, Bodies.TYPE), "1.0").zip())
                .isEqualTo(new Catalog.Digest(zip.length, install.packageRef().sha256()));

        machine.send(machine.succeeded(install));
        ExtensionLifecycleTest.installed(machine, "other", "1.0");
        var reconfigure = Bodies.extension("1.0");
        reconfigure.with("properties").with("settings").put("endpoint", "https://other.example.test");
        ExtensionOperation update = machine.awaitOperation(Arm.operationIdOf(machine.putExtension("logs", reconfigure))).operation();
        ExtensionOperation delete = machine.awaitOperation(Arm.operationIdOf(given().queryParam("api-version", Arm.API_VERSION)
                .delete(machine.extensionPath("other")))).operation();
        assertThat(update.kind()).isEqualTo(OperationKind.UPDATE);
        assertThat(update.packageRef()).isNull();
        assertThat(update.catalog()).isNull();
        assertThat(delete.kind()).isEqualTo(OperationKind.DELETE);
        assertThat(delete.packageRef()).isNull();
    }

    @Test
    void anInstallOfAVersionNobodyPublishedIsRefusedAndStoresNothing() {
        FakeMachine machine = FakeMachine.registered();

        Response refused = machine.putExtension("logs", Bodies.extension("9.9.9"));

        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(404);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("ExtensionVersionNotFound");
        assertThat(refused.jsonPath().getString("error.message")).contains(Bodies.PUBLISHER + "/" + Bodies.TYPE)
                .contains("9.9.9");
        assertThat(refused.jsonPath().getString("error.target")).isEqualTo("properties.typeHandlerVersion");
        assertThat(Database.rowsOf(pool, machine.machineId())).isZero();
    }

    @Test
    void anUpgradeToAVersionNobodyPublishedIsRefusedAndChangesNothing() {
        FakeMachine machine = FakeMachine.registered();
        ExtensionLifecycleTest.installed(machine, "logs", "1.0");
        long rows = Database.rowsOf(pool, machine.machineId());

        Response put = machine.putExtension("logs", Bodies.extension("8.0"));
        Response action = given().contentType(ContentType.JSON).queryParam("api-version", Arm.API_VERSION)
                .body("{\"extensionTargets\":{\"" + Bodies.PUBLISHER + "." + Bodies.TYPE + "\":{\"targetVersion\":\"8.0\"}}}")
                .post(machine.path() + "/upgradeExtensions");

        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(put.jsonPath().getString("error.code")).isEqualTo("ExtensionVersionNotFound");
        assertThat(action.statusCode()).isEqualTo(404);
        assertThat(action.jsonPath().getString("error.code")).isEqualTo("ExtensionVersionNotFound");
        JsonPath extension = machine.getExtension("logs").jsonPath();
        assertThat(extension.getString("properties.typeHandlerVersion")).isEqualTo("1.0");
        assertThat(extension.getString("properties.provisioningState")).isEqualTo("Succeeded");
        assertThat(Database.rowsOf(pool, machine.machineId())).isEqualTo(rows);
    }
}

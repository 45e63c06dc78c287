package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.testing.TestStorage;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark-agent package verify|trust} through the agent's own command line (the plugins are registered). */
class PackageCliTest {
    @TempDir
    Path tmp;
    private TestStorage storage;
    private Path zip;
    private Path catalog;
    private Path key;

    @BeforeEach
    void publish() throws Exception {
        storage = new TestStorage();
        storage.publish("Contoso.Monitoring", "ContosoAgent", "1.2.0", false);
        zip = Files.write(tmp.resolve("contoso.zip"), storage.object(TestStorage.packagePath("Contoso.Monitoring", "ContosoAgent", "1.2.0")));
        catalog = Files.write(tmp.resolve("catalog.json"), storage.object(TestStorage.CATALOG_PATH));
        key = tmp.resolve("catalog.pub");
        KeyFiles.writePublic(key, storage.catalogKeys().getPublic());
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    @Test
    void trustAddListRemoveAndVerify() throws Exception {
        Path home = tmp.resolve("home");
        String keyId = TrustedKeys.keyId(storage.catalogKeys().getPublic());

        Cli.Result untrusted = Cli.at(home, "package", "verify", "--package", zip.toString(), "--catalog", catalog.toString(), "--json");
        assertThat(untrusted.exit()).isEqualTo(1);
        assertThat(Json.MAPPER.readTree(untrusted.out()).get("reason").asText()).isEqualTo("CatalogKeyUntrusted");

        Cli.Result added = Cli.at(home, "package", "trust", "add", "--key", key.toString());
        assertThat(added.exit()).as(added.toString()).isZero();
        assertThat(added.out()).contains("trusted catalog key " + keyId);
        JsonNode listed = Json.MAPPER.readTree(Cli.at(home, "package", "trust", "list", "--json").out());
        assertThat(listed.get(0).get("keyId").asText()).isEqualTo(keyId);

        Cli.Result verified = Cli.at(home, "package", "verify", "--package", zip.toString(), "--catalog", catalog.toString());
        assertThat(verified.exit()).as(verified.toString()).isZero();
        assertThat(verified.out()).startsWith("verified: Contoso.Monitoring/ContosoAgent 1.2.0 is listed in catalog version 1");

        assertThat(Cli.at(home, "package", "trust", "remove", keyId.substring(0, 12)).exit()).isZero();
        assertThat(Cli.at(home, "package", "trust", "list").out()).contains("no catalog keys are trusted");
        assertThat(Cli.at(home, "package").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "package", "verify", "--package", zip.toString(), "--json").exit()).isEqualTo(2);
    }
}

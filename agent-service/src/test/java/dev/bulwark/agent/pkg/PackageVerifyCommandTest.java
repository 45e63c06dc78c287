package dev.bulwark.agent.pkg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.bulwark.agent.pkg.TestPackages.NOW;
import static dev.bulwark.agent.pkg.TestPackages.PUBLISHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark-agent package verify} and {@code package trust}: output, exit codes, and the home they keep. */
class PackageVerifyCommandTest {
    @TempDir
    Path tmp;

    private Path zip;
    private Path publicKey;
    private Path home;

    @BeforeEach
    void setUp() throws Exception {
        zip = TestPackages.benign(tmp, "1.2.0");
        publicKey = tmp.resolve("publisher.pub");
        KeyFiles.writePublic(publicKey, PUBLISHER_KEY.getPublic());
        home = tmp.resolve("home");
    }

    @Test
    void aGenuinePackageVerifiesAsJsonWithExactlyThreeFields() throws Exception {
        Run run = verify(catalogFile(5), "--trust", publicKey.toString(), "--json");

        assertThat(run.exit).as(run.err).isEqualTo(0);
        JsonNode json = Json.tree(run.out.getBytes());
        assertThat(fieldNames(json)).containsExactly("verified", "reason", "message");
        assertThat(json.get("verified").booleanValue()).isTrue();
        assertThat(json.get("reason").isNull()).isTrue();
        assertThat(json.get("message").textValue()).contains("Contoso.Monitoring/ContosoAgent 1.2.0").contains("catalog version 5");
    }

    @Test
    void aRefusalPrintsTheReasonAndExitsOne() throws Exception {
        Run json = verify(catalogFile(5), "--json");
        Run text = verify(catalogFile(5));

        assertThat(json.exit).isEqualTo(1);
        assertThat(Json.tree(json.out.getBytes()).get("reason").textValue()).isEqualTo("CatalogKeyUntrusted");
        assertThat(Json.tree(json.out.getBytes()).get("verified").booleanValue()).isFalse();
        assertThat(text.exit).isEqualTo(1);
        assertThat(text.out).startsWith("refused (CatalogKeyUntrusted): ");
    }

    @Test
    void theHomeRemembersTheHighestCatalogSoAnOlderOneIsRefusedAfterwards() throws Exception {
        Path v5 = catalogFile(5);
        Path v4 = catalogFile(4);

        assertThat(verify(v4, "--trust", publicKey.toString()).exit).isEqualTo(0);
        assertThat(verify(v5, "--trust", publicKey.toString()).exit).isEqualTo(0);
        Run older = verify(v4, "--trust", publicKey.toString(), "--json");

        assertThat(older.exit).isEqualTo(1);
        assertThat(Json.tree(older.out.getBytes()).get("reason").textValue()).isEqualTo("CatalogRollback");
        assertThat(verify(v4, "--trust", publicKey.toString(), "--home", tmp.resolve("other-home").toString()).exit)
                .as("another home has its own history").isEqualTo(0);
    }

    @Test
    void keysAddedWithTrustAddAreUsedWithoutTrustOption() throws Exception {
        Run added = run(new PackageTrustCommand(), "add", "--key", publicKey.toString(), "--home", home.toString());
        Run listed = run(new PackageTrustCommand(), "list", "--home", home.toString(), "--json");

        assertThat(added.exit).as(added.err).isEqualTo(0);
        assertThat(Json.MAPPER.readTree(listed.out).get(0).get("keyId").textValue()).isEqualTo(TrustedKeys.keyId(PUBLISHER_KEY.getPublic()));
        assertThat(verify(catalogFile(5)).exit).isEqualTo(0);

        Run removed = run(new PackageTrustCommand(), "remove", TrustedKeys.keyId(PUBLISHER_KEY.getPublic()).substring(0, 10),
                "--home", home.toString());
        assertThat(removed.exit).isEqualTo(0);
        assertThat(verify(catalogFile(5)).exit).isEqualTo(1);
    }

    @Test
    void theEntryCanBeRequiredByIdentity() throws Exception {
        Path catalog = catalogFile(5);

        assertThat(verify(catalog, "--trust", publicKey.toString(), "--publisher", "Contoso.Monitoring", "--type",
                "ContosoAgent", "--version", "1.2.0").exit).isEqualTo(0);
        Run wrong = verify(catalog, "--trust", publicKey.toString(), "--publisher", "Contoso.Monitoring", "--type",
                "ContosoAgent", "--version", "9.9.9", "--json");
        assertThat(wrong.exit).isEqualTo(1);
        assertThat(Json.tree(wrong.out.getBytes()).get("reason").textValue()).isEqualTo("PackageNotInCatalog");
    }

    @Test
    void usageAndInputErrorsExitTwo() throws Exception {
        Path catalog = catalogFile(5);

        assertThat(run(new PackageVerifyCommand(), "--package", zip.toString()).exit).as("no --catalog").isEqualTo(2);
        assertThat(verify(catalog, "--publisher", "Contoso.Monitoring").exit).as("publisher without type").isEqualTo(2);
        Run missing = run(new PackageVerifyCommand(), "--package", tmp.resolve("nope.zip").toString(), "--catalog",
                catalog.toString(), "--home", home.toString(), "--json");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(fieldNames(Json.tree(missing.out.getBytes()))).containsExactly("verified", "reason", "message");
        assertThat(missing.out).contains("nope.zip");
        assertThat(verify(catalog, "--trust", zip.toString()).exit).as("a ZIP is not a key").isEqualTo(2);
    }

    @Test
    void nothingIsLeftInTheTemporaryFolder() throws Exception {
        long before = countTempVerifyFolders();

        verify(catalogFile(5), "--trust", publicKey.toString());

        assertThat(countTempVerifyFolders()).isEqualTo(before);
    }

    private Path catalogFile(long version) throws Exception {
        Path file = tmp.resolve("catalog-" + version + ".json");
        Files.write(file, TestPackages.catalog(version, PUBLISHER_KEY, TestPackages.listing(zip)));
        return file;
    }

    private Run verify(Path catalog, String... more) {
        List<String> args = new ArrayList<>(List.of("--package", zip.toString(), "--catalog", catalog.toString()));
        if (!List.of(more).contains("--home")) {
            args.addAll(List.of("--home", home.toString()));
        }
        args.addAll(List.of(more));
        PackageVerifyCommand command = new PackageVerifyCommand();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return run(command, args.toArray(String[]::new));
    }

    private static Run run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private static long countTempVerifyFolders() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("bulwark-verify-")).count();
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private record Run(int exit, String out, String err) {
    }
}

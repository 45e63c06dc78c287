package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.model.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code bulwark-agent config ...} in process: output, exit codes, and the file it leaves behind. */
class ConfigCliTest {
    private static final String SEED_BLOCKLIST = "\u201CMicrosoft.Cplat.Core/RunCommandHandlerWindows, "
            + "Microsoft.Cplat.Core/RunCommandHandlerLinux,Microsoft.Compute/CustomScriptExtension,"
            + "Microsoft.Azure.Extensions/CustomScript,Microsoft.Azure.Automation.HybridWorker/HybridWorkerForWindows,"
            + "Microsoft.Azure.Automation.HybridWorkerForLinux,Microsoft.EnterpriseCloud.Monitoring/MicrosoftMonitoringAgent, "
            + "Microsoft.EnterpriseCloud.Monitoring/OMSAgentForLinux\u201D";

    @TempDir
    Path home;
    Path file;

    @BeforeEach
    void setUp() {
        file = home.resolve("localconfig.json");
    }

    @Test
    void listOnAFreshHomeShowsEveryKeyWithItsDefaultAndWritesNothing() {
        Cli.Result list = Cli.at(home, "config", "list");

        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("Local Configuration Settings\n")
                .contains("  config.mode                        : full\n")
                .contains("  extensions.allowlist               : []\n")
                .contains("  extensions.blocklist               : []\n")
                .contains("  extensions.enabled                 : true\n")
                .contains("  guestconfiguration.enabled         : true\n")
                .contains("  incomingconnections.enabled        : true\n")
                .contains("  incomingconnections.ports          : []\n")
                .contains("  proxy.url                          : \n")
                .contains("  proxy.bypass                       : []\n")
                .contains("  extensions.agent.cpulimit          : 5\n")
                .contains("  guestconfiguration.agent.cpulimit  : 5\n")
                .contains("Mode in force: full.");
        assertThat(file).doesNotExist();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "extensions.allowlist       | Microsoft.Azure.Monitor/AzureMonitorLinuxAgent | [Microsoft.Azure.Monitor/AzureMonitorLinuxAgent] | []",
            "extensions.blocklist       | ' microsoft.azure.extensions/customscript , Microsoft.Compute/CustomScriptExtension ' | [microsoft.azure.extensions/customscript, Microsoft.Compute/CustomScriptExtension] | []",
            "extensions.runasroot       | Contoso.Monitoring/LogShipper | [Contoso.Monitoring/LogShipper] | []",
            "extensions.enabled         | FALSE        | false     | true",
            "guestconfiguration.enabled | false        | false     | true",
            "config.mode                | Monitor      | monitor   | full",
            "incomingconnections.enabled| false        | false     | true",
            "incomingconnections.ports  | '22, 3389'   | [22, 3389] | []",
            "proxy.url                  | http://proxy.local:3128 | http://proxy.local:3128 | ''",
            "proxy.bypass               | 'AAD, ARM'   | [AAD, ARM] | []",
            "extensions.agent.cpulimit  | 20           | 20        | 5",
            "guestconfiguration.agent.cpulimit | 50    | 50        | 5"})
    void everyKeyCanBeSetReadAndCleared(String key, String value, String shown, String byDefault) throws IOException {
        Cli.Result set = Cli.at(home, "config", "set", key, value);
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.out()).startsWith("Config property " + key + " set to value " + shown + "\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Cli.Result get = Cli.at(home, "config", "get", key);
        assertThat(get.out()).isEqualTo(shown + "\n");
        assertThat(Cli.at(home, "config", "list").out()).contains(key + " ").contains(": " + shown + "\n");

        Cli.Result clear = Cli.at(home, "config", "clear", key);
        assertThat(clear.exit()).as(clear.toString()).isZero();
        assertThat(clear.out()).contains("Config property " + key + " cleared");
        assertThat(Cli.at(home, "config", "get", key).out()).isEqualTo(byDefault + "\n");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "extensions.enabled         | yes                    | 'yes'",
            "guestconfiguration.enabled | 1                      | extensions",
            "config.mode                | audit                  | 'audit'",
            "incomingconnections.ports  | '22, 70000'            | '70000'",
            "incomingconnections.ports  | ssh                    | 'ssh'",
            "extensions.agent.cpulimit  | 0                      | extensions.agent.cpulimit",
            "proxy.url                  | ftp://proxy            | 'ftp://proxy'",
            "extensions.allowlist       | CustomScript           | 'CustomScript'",
            "extensions.allowlist       | 'a/b/c, x/y'           | 'a/b/c'",
            "extensions.runasroot       | CustomScript           | 'CustomScript'",
            "extensions.blocklist       | Allow/None             | Allow/None",
            "extension.allowlist        | x/y                    | 'extension.allowlist'"})
    void aBadValueOrKeyIsRefusedNamingItAndNothingIsWritten(String key, String value, String named) throws IOException {
        assertThat(Cli.at(home, "config", "set", "extensions.allowlist", "Qualys/LinuxAgent.AzureSecurityCenter").exit()).isZero();
        byte[] before = Files.readAllBytes(file);

        Cli.Result set = Cli.at(home, "config", "set", key, value);

        assertThat(set.exit()).as(set.toString()).isEqualTo(2);
        assertThat(set.err()).startsWith("Error: ").contains(named.equals("extensions") ? key : named);
        assertThat(set.out()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void theSeedsOwnBlocklistExampleIsRefusedForItsEntryWithoutASlash() throws IOException {
        Files.writeString(file, "{\n  \"extensions.enabled\" : true\n}\n");
        byte[] before = Files.readAllBytes(file);

        // As a shell passes it: typographic quotes are not shell quotes, so the value arrives in words.
        String[] words = SEED_BLOCKLIST.split(" ");
        List<String> args = new ArrayList<>(List.of("config", "set", "extensions.blocklist"));
        args.addAll(List.of(words));
        for (Cli.Result set : List.of(Cli.at(home, args.toArray(String[]::new)),
                Cli.at(home, "config", "set", "extensions.blocklist", SEED_BLOCKLIST))) {
            assertThat(set.exit()).as(set.toString()).isEqualTo(2);
            assertThat(set.err()).contains("'Microsoft.Azure.Automation.HybridWorkerForLinux' is not Publisher/Type");
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        }
    }

    @Test
    void theSeedExampleWithItsTypoFixedIsStoredWithoutQuotesOrSpaces() throws IOException {
        String fixed = SEED_BLOCKLIST.replace("Automation.HybridWorkerForLinux", "Automation.HybridWorker/HybridWorkerForLinux");
        List<String> args = new ArrayList<>(List.of("config", "set", "extensions.blocklist"));
        args.addAll(List.of(fixed.split(" ")));

        Cli.Result set = Cli.at(home, args.toArray(String[]::new));

        assertThat(set.exit()).as(set.toString()).isZero();
        JsonNode stored = Json.MAPPER.readTree(file.toFile()).get("extensions.blocklist");
        assertThat(stored).hasSize(8);
        assertThat(stored.get(0).asText()).isEqualTo("Microsoft.Cplat.Core/RunCommandHandlerWindows");
        assertThat(stored.get(7).asText()).isEqualTo("Microsoft.EnterpriseCloud.Monitoring/OMSAgentForLinux");
        Cli.Result check = Cli.at(home, "config", "check-extension", "microsoft.azure.extensions/CUSTOMSCRIPT");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("ExtensionBlockedByBlocklist")
                .contains("bulwark-agent config set extensions.blocklist --remove microsoft.azure.extensions/CUSTOMSCRIPT");
    }

    @Test
    void addAndRemoveChangeAListIgnoringCaseAndRefuseEachOtherAndNonLists() throws IOException {
        assertThat(Cli.at(home, "config", "set", "extensions.blocklist", "A/One").exit()).isZero();
        assertThat(Cli.at(home, "config", "set", "extensions.blocklist", "--add", "b/two, a/ONE").exit()).isZero();
        assertThat(Cli.at(home, "config", "get", "extensions.blocklist").out()).isEqualTo("[A/One, b/two]\n");

        Cli.Result remove = Cli.at(home, "config", "set", "extensions.blocklist", "-r", "A/ONE, c/three");
        assertThat(remove.exit()).isZero();
        assertThat(remove.out()).contains("set to value [b/two]").contains("Note: c/three was not in extensions.blocklist.");

        byte[] before = Files.readAllBytes(file);
        Cli.Result both = Cli.at(home, "config", "set", "extensions.blocklist", "--add", "--remove", "x/y");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--add and --remove cannot be used together");
        Cli.Result notAList = Cli.at(home, "config", "set", "extensions.enabled", "--add", "false");
        assertThat(notAList.exit()).isEqualTo(2);
        assertThat(notAList.err()).contains("--add and --remove apply only to lists").contains("extensions.enabled");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void allowNoneAllowsNothingButDelete() {
        assertThat(Cli.at(home, "config", "set", "extensions.allowlist", "Allow/None").exit()).isZero();

        Cli.Result install = Cli.at(home, "config", "check-extension", "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent", "--json");
        assertThat(install.exit()).isEqualTo(1);
        assertThat(install.out()).startsWith("{\"allowed\":false,\"errorCode\":\"ExtensionBlockedByAllowlist\",\"rule\":\"allow-none\",\"message\":\"");
        Cli.Result delete = Cli.at(home, "config", "check-extension", "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent",
                "--operation", "delete");
        assertThat(delete.exit()).isZero();
        assertThat(delete.out()).startsWith("allowed: delete of Microsoft.Azure.Monitor/AzureMonitorLinuxAgent (rule: delete-always-allowed)");
    }

    @Test
    void monitorModeLocksBothListsAndFullModeBringsThemBack() throws IOException {
        assertThat(Cli.at(home, "config", "set", "extensions.allowlist", "Microsoft.Azure.Extensions/CustomScript").exit()).isZero();
        assertThat(Cli.at(home, "config", "set", "extensions.blocklist", "Qualys/LinuxAgent.AzureSecurityCenter").exit()).isZero();
        Cli.Result monitor = Cli.at(home, "config", "set", "config.mode", "monitor");
        assertThat(monitor.out()).contains("Config property config.mode set to value monitor").contains("kept");
        byte[] before = Files.readAllBytes(file);

        for (String[] change : List.of(new String[]{"set", "extensions.allowlist", "x/y"},
                new String[]{"set", "extensions.blocklist", "--add", "x/y"}, new String[]{"clear", "extensions.allowlist"},
                new String[]{"clear", "extensions.blocklist"})) {
            List<String> args = new ArrayList<>(List.of("config"));
            args.addAll(List.of(change));
            Cli.Result refused = Cli.at(home, args.toArray(String[]::new));
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("monitor mode").contains("bulwark-agent config set config.mode full");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);

        Cli.Result list = Cli.at(home, "config", "list");
        assertThat(list.out()).contains("Mode in force: monitor")
                .contains("effective extensions.allowlist     : [Microsoft.Azure.Monitor/AzureMonitorLinuxAgent,")
                .contains("effective guestconfiguration.enabled : false");
        assertThat(Cli.at(home, "config", "check-extension", "Microsoft.Azure.Extensions/CustomScript").out())
                .contains("ExtensionBlockedByMonitorMode");
        assertThat(Cli.at(home, "config", "check-extension", "Microsoft.Azure.Monitor/AzureMonitorWindowsAgent").exit()).isZero();
        // The user's blocklist still applies in monitor mode.
        assertThat(Cli.at(home, "config", "check-extension", "Qualys/LinuxAgent.AzureSecurityCenter").out())
                .contains("ExtensionBlockedByBlocklist");

        Cli.Result full = Cli.at(home, "config", "set", "config.mode", "full");
        assertThat(full.out()).contains("your own lists apply again");
        assertThat(Cli.at(home, "config", "get", "extensions.allowlist").out()).isEqualTo("[Microsoft.Azure.Extensions/CustomScript]\n");
        assertThat(Cli.at(home, "config", "check-extension", "Microsoft.Azure.Extensions/CustomScript").exit()).isZero();
    }

    @Test
    void jsonForms() throws IOException {
        Cli.Result set = Cli.at(home, "config", "set", "extensions.blocklist", "A/B", "--json");
        assertThat(Json.MAPPER.readTree(set.out())).isEqualTo(Json.MAPPER.readTree("{\"key\":\"extensions.blocklist\",\"value\":[\"A/B\"]}"));
        assertThat(Json.MAPPER.readTree(Cli.at(home, "config", "get", "extensions.blocklist", "-j").out()).get("value").get(0).asText())
                .isEqualTo("A/B");

        JsonNode list = Json.MAPPER.readTree(Cli.at(home, "config", "list", "--json").out());
        assertThat(list.get("valid").asBoolean()).isTrue();
        assertThat(list.get("settings").get("extensions.blocklist").get(0).asText()).isEqualTo("A/B");
        assertThat(list.get("effective").get("configMode").asText()).isEqualTo("full");

        Cli.Result allowed = Cli.at(home, "config", "check-extension", "x/y", "--json");
        assertThat(allowed.exit()).isZero();
        assertThat(allowed.out()).isEqualTo("{\"allowed\":true,\"errorCode\":null,\"rule\":\"not-in-blocklist\",\"message\":"
                + "\"Extension x/y is allowed: no allowlist is configured and it is not on the local blocklist.\"}\n");
        Cli.Result blocked = Cli.at(home, "config", "check-extension", "a/b", "--json");
        JsonNode decision = Json.MAPPER.readTree(blocked.out());
        assertThat(blocked.exit()).isEqualTo(1);
        assertThat(decision.get("errorCode").asText()).isEqualTo("ExtensionBlockedByBlocklist");
        assertThat(decision.get("rule").asText()).isEqualTo("blocklist");

        Cli.Result error = Cli.at(home, "config", "set", "extensions.enabled", "maybe", "--json");
        assertThat(error.exit()).isEqualTo(2);
        assertThat(Json.MAPPER.readTree(error.out()).get("error").get("code").asText()).isEqualTo("InvalidConfigurationValue");
        JsonNode info = Json.MAPPER.readTree(Cli.at(home, "config", "info", "--json").out());
        assertThat(info).hasSize(ConfigKey.values().length);
    }

    @Test
    void checkExtensionExitCodes() {
        assertThat(Cli.at(home, "config", "check-extension", "Microsoft.Azure.Extensions/CustomScript").exit()).isZero();
        Cli.Result noSlash = Cli.at(home, "config", "check-extension", "CustomScript");
        assertThat(noSlash.exit()).isEqualTo(2);
        assertThat(noSlash.err()).contains("'CustomScript' is not Publisher/Type");
        Cli.Result badOperation = Cli.at(home, "config", "check-extension", "a/b", "--operation", "reboot", "--json");
        assertThat(badOperation.exit()).isEqualTo(2);
        assertThat(badOperation.out()).contains("\"InvalidArgument\"").contains("reboot");
        assertThat(Cli.at(home, "config", "check-extension").exit()).isEqualTo(2);
        assertThat(Cli.at(home, "config", "set", "extensions.enabled", "false").exit()).isZero();
        Cli.Result disabled = Cli.at(home, "config", "check-extension", "a/b", "--operation", "DELETE");
        assertThat(disabled.exit()).isEqualTo(1);
        assertThat(disabled.out()).contains("ExtensionManagerDisabled");
    }

    @Test
    void aCorruptFileFailsClosedListSaysWhyAndItCannotBeEditedUntilFixed() throws IOException {
        Files.writeString(file, "{\"extensions.allowlist\": [\"a/b\"");
        byte[] before = Files.readAllBytes(file);

        Cli.Result list = Cli.at(home, "config", "list");
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.out()).startsWith("Local Configuration Settings\nProblem: " + file + " is invalid: the file is not valid JSON")
                .contains("refuses extension installs");
        Cli.Result install = Cli.at(home, "config", "check-extension", "a/b");
        assertThat(install.exit()).isEqualTo(1);
        assertThat(install.out()).contains("LocalConfigurationInvalid");
        assertThat(Cli.at(home, "config", "check-extension", "a/b", "--operation", "delete").exit()).isZero();

        Cli.Result set = Cli.at(home, "config", "set", "extensions.enabled", "true");
        assertThat(set.exit()).isEqualTo(1);
        assertThat(set.err()).contains("cannot be read").contains("delete it to return to the defaults");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aHandEditedBadValueOrUnknownKeyFailsClosedAndCanBeRepairedWithTheCli() {
        assertThat(Cli.at(home, "config", "set", "extensions.enabled", "true").exit()).isZero();
        writeFile("{\"extensions.blocklist\": \"a/b\", \"extensions.blocklst\": [\"c/d\"]}");

        Cli.Result list = Cli.at(home, "config", "list");
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.out()).contains("extensions.blocklist must be a list").contains("unknown key 'extensions.blocklst'")
                .contains("extensions.blocklist               : <invalid: \"a/b\">");
        assertThat(Cli.at(home, "config", "check-extension", "x/y").out()).contains("LocalConfigurationInvalid");

        assertThat(Cli.at(home, "config", "set", "extensions.blocklist", "a/b").exit()).isZero();
        Cli.Result clear = Cli.at(home, "config", "clear", "extensions.blocklst");
        assertThat(clear.exit()).as(clear.toString()).isZero();
        assertThat(Cli.at(home, "config", "list").exit()).isZero();
        assertThat(Cli.at(home, "config", "check-extension", "a/b").out()).contains("ExtensionBlockedByBlocklist");
    }

    @Test
    void concurrentSetsBothLandAndLeaveAValidFile() throws Exception {
        int perThread = 15;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Integer>>> runs = new ArrayList<>();
        for (String prefix : List.of("first", "second")) {
            runs.add(pool.submit(() -> {
                start.await();
                List<Integer> exits = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    exits.add(Cli.at(home, "config", "set", "extensions.blocklist", "--add", prefix + "/Ext" + i).exit());
                }
                return exits;
            }));
        }
        start.countDown();
        for (Future<List<Integer>> run : runs) {
            assertThat(run.get()).containsOnly(0);
        }
        pool.shutdown();

        JsonNode stored = Json.MAPPER.readTree(file.toFile());
        assertThat(stored.get("extensions.blocklist")).hasSize(2 * perThread);
        assertThat(Cli.at(home, "config", "list").exit()).isZero();
        try (var leftovers = Files.list(home)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void aFileOwnedByAnotherUserIsNotReplaced() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the file away");
        assertThat(Cli.at(home, "config", "set", "extensions.enabled", "true").exit()).isZero();
        Files.setAttribute(file, "unix:uid", 4321);
        byte[] before = Files.readAllBytes(file);

        Cli.Result set = Cli.at(home, "config", "set", "extensions.enabled", "false");

        assertThat(set.exit()).isEqualTo(1);
        assertThat(set.err()).contains("belongs to uid 4321");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(4321);
    }

    @Test
    void theHomeComesFromTheEnvironmentWhenNotGiven() {
        Cli.Result set = Cli.run(Map.of("BULWARK_AGENT_HOME", home.toString()), "config", "set", "proxy.url", "https://p:8443");

        assertThat(set.exit()).isZero();
        assertThat(file).exists();
        assertThat(Cli.at(home, "config", "get", "proxy.url").out()).isEqualTo("https://p:8443\n");
    }

    @Test
    void infoDescribesEveryKey() {
        Cli.Result info = Cli.at(home, "config", "info");
        assertThat(info.exit()).isZero();
        assertThat(info.out()).contains("extensions.allowlist\n").contains("Allow/None").contains("accepts: full or monitor");
        assertThat(Cli.at(home, "config", "info", "nope").exit()).isEqualTo(2);
    }

    private void writeFile(String json) {
        try {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

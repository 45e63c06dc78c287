package dev.bulwark.model.policy;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ExtensionPolicy#decide} against an oracle that holds no order of precedence: the decision table below,
 * written as data from the documents (reference/extensions-security.md, DESIGN.md "Decision for install...", the
 * README's "How an operation is decided"), never from the code. Its rows are mutually exclusive and together cover
 * every input ({@link #theTableHasExactlyOneRowForEveryCombination}), so which row answers never depends on
 * their order: swapping two rules in the implementation changes some answer, and a row here catches it.
 *
 * <p>Inputs are random lists, spellings (case, whitespace), modes, states and operations; each is classified into
 * the table's columns by plain string comparison, and the one row that matches says the expected decision.
 */
class ExtensionPolicyPropertiesTest {

    /**
     * One row per case, columns separated by '|'; '*' matches anything. "change" is install, update or upgrade.
     * The decision is "allowed" or the error code of the refusal.
     */
    private static final String TABLE = """
            # extensions.enabled | configuration | operation | config.mode | allowlist       | blocklist | built-in list | decision
            # DESIGN: "When extensions.enabled is false ... every operation, delete included, fails with ExtensionManagerDisabled"
            false                | *             | *         | *           | *               | *         | *             | ExtensionManagerDisabled
            # seed table, "Delete extension": Allowed in every column; DESIGN: "Delete is always allowed by the lists";
            # README: an unreadable localconfig.json fails closed, "delete still works"
            true                 | *             | delete    | *           | *               | *         | *             | allowed
            # README: "An unreadable localconfig.json fails closed: install, update and upgrade fail LocalConfigurationInvalid"
            true                 | invalid       | change    | *           | *               | *         | *             | LocalConfigurationInvalid
            # seed table, "In the blocklist" and "In both": Blocked; DESIGN: "blocked if on the blocklist (even when also allowed)"
            true                 | valid         | change    | *           | *               | on it     | *             | ExtensionBlockedByBlocklist
            # seed "Agent modes": monitor mode "only allows the use of extensions related to monitoring and security";
            # DESIGN: "In monitor mode the allowlist is the agent's built-in monitoring and security list"
            true                 | valid         | change    | monitor     | *               | not on it | on it         | allowed
            true                 | valid         | change    | monitor     | *               | not on it | not on it     | ExtensionBlockedByMonitorMode
            # seed table, "In the allowlist": Allowed; "Not in any list, but an allowlist is configured": Blocked
            true                 | valid         | change    | full        | on it           | not on it | *             | allowed
            true                 | valid         | change    | full        | not on it       | not on it | *             | ExtensionBlockedByAllowlist
            # seed: "Allow/None ... not allow any extensions to be installed"
            true                 | valid         | change    | full        | Allow/None      | not on it | *             | ExtensionBlockedByAllowlist
            # seed: "If no allowlist or blocklist is configured on the agent, all extensions are allowed"; a blocklist
            # alone allows "anything except those extensions"
            true                 | valid         | change    | full        | none configured | not on it | *             | allowed
            """;

    /** The values of each column, in the table's order; every row names one of them or '*'. */
    private static final List<List<String>> COLUMN_VALUES = List.of(
            List.of("true", "false"),
            List.of("valid", "invalid"),
            List.of("change", "delete"),
            List.of("full", "monitor"),
            List.of("none configured", "on it", "not on it", "Allow/None"),
            List.of("on it", "not on it"),
            List.of("on it", "not on it"));

    private record Row(List<String> match, String decision) {
        boolean matches(List<String> input) {
            for (int i = 0; i < match.size(); i++) {
                if (!match.get(i).equals("*") && !match.get(i).equals(input.get(i))) {
                    return false;
                }
            }
            return true;
        }

        boolean allowed() {
            return decision.equals("allowed");
        }

        ErrorCode errorCode() {
            return allowed() ? null : ErrorCode.valueOf(decision);
        }
    }

    private static final List<Row> ROWS = TABLE.lines()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .map(line -> Arrays.stream(line.split("\\|")).map(String::trim).toList())
            .map(cells -> new Row(cells.subList(0, cells.size() - 1), cells.get(cells.size() - 1)))
            .toList();

    /**
     * The built-in monitor-mode list, written out again: the documents give only examples (arc-facts.md: Azure Monitor
     * Agent, Defender for Endpoint, Qualys), so the list is Bulwark's own, and a change to it is made twice on purpose.
     */
    private static final Set<String> BUILT_IN_LIST = Set.of(
            "microsoft.azure.monitor/azuremonitorlinuxagent", "microsoft.azure.monitor/azuremonitorwindowsagent",
            "microsoft.azure.azuredefenderforservers/mde.linux", "microsoft.azure.azuredefenderforservers/mde.windows",
            "qualys/linuxagent.azuresecuritycenter", "qualys/windowsagent.azuresecuritycenter",
            "microsoft.azure.monitoring.dependencyagent/dependencyagentlinux",
            "microsoft.azure.monitoring.dependencyagent/dependencyagentwindows",
            "microsoft.azure.changetrackingandinventory/changetracking-linux",
            "microsoft.azure.changetrackingandinventory/changetracking-windows");

    private static final List<String> UNIVERSE = List.of(
            "Microsoft.Azure.Extensions/CustomScript", "Microsoft.Compute/CustomScriptExtension",
            "Microsoft.CPlat.Core/RunCommandHandlerLinux", "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent",
            "Qualys/LinuxAgent.AzureSecurityCenter", "Microsoft.EnterpriseCloud.Monitoring/OMSAgentForLinux",
            "Allow/None");

    @Example
    void theTableHasExactlyOneRowForEveryCombination() {
        assertThat(ROWS).allSatisfy(row -> {
            assertThat(row.match()).hasSize(COLUMN_VALUES.size());
            for (int i = 0; i < row.match().size(); i++) {
                if (!row.match().get(i).equals("*")) {
                    assertThat(COLUMN_VALUES.get(i)).as("column %d of %s", i, row).contains(row.match().get(i));
                }
            }
        });
        for (List<String> combination : combinations()) {
            assertThat(ROWS.stream().filter(row -> row.matches(combination)).count()).as("rows matching %s", combination)
                    .isEqualTo(1);
        }
    }

    @Property(tries = 3000)
    void decideAgreesWithTheTable(@ForAll("lists") List<String> allowlist, @ForAll("lists") List<String> blocklist,
                                  @ForAll boolean extensionsEnabled, @ForAll ConfigMode mode,
                                  @ForAll("mostlyTrue") boolean configValid,
                                  @ForAll("spelledEntry") String target, @ForAll OperationKind kind) {
        LocalRules rules = configValid
                ? LocalRules.of(allowlist == null ? null : allowlist.stream().map(ExtensionId::parse).toList(),
                blocklist == null ? null : blocklist.stream().map(ExtensionId::parse).toList(), extensionsEnabled, mode)
                : LocalRules.invalid("not JSON", extensionsEnabled);

        Decision actual = ExtensionPolicy.decide(rules, ExtensionId.parse(target), kind);
        Row expected = row(List.of(String.valueOf(extensionsEnabled), configValid ? "valid" : "invalid",
                kind == OperationKind.DELETE ? "delete" : "change", mode == ConfigMode.MONITOR ? "monitor" : "full",
                allowlistColumn(allowlist, target), onIt(blocklist, target), onIt(BUILT_IN_LIST, target)));

        assertThat(actual.allowed()).as("allowed, by %s", expected).isEqualTo(expected.allowed());
        assertThat(actual.errorCode()).as("errorCode, by %s", expected).isEqualTo(expected.errorCode());
        assertThat(actual.rule()).isNotBlank();
        if (!actual.allowed()) {
            assertThat(actual.message()).contains(ExtensionId.parse(target).toString()).contains("bulwark-agent config ");
        }
    }

    /** Every combination of the columns that an input can have, built as local rules, each kind of operation. */
    @Example
    void everyRowDecidesAsTheTableSays() {
        for (List<String> combination : combinations()) {
            String target = combination.get(6).equals("on it") ? "Qualys/LinuxAgent.AzureSecurityCenter" : "Contoso.Tools/Agent";
            List<String> allowlist = switch (combination.get(4)) {
                case "none configured" -> null;
                case "on it" -> List.of("Contoso.Other/Thing", target);
                case "not on it" -> List.of("Contoso.Other/Thing");
                default -> List.of("Allow/None");
            };
            List<String> blocklist = combination.get(5).equals("on it") ? List.of(target, "Contoso.Third/Thing")
                    : List.of("Contoso.Third/Thing");
            boolean enabled = Boolean.parseBoolean(combination.get(0));
            ConfigMode mode = combination.get(3).equals("monitor") ? ConfigMode.MONITOR : ConfigMode.FULL;
            LocalRules rules = combination.get(1).equals("valid")
                    ? LocalRules.of(ids(allowlist), ids(blocklist), enabled, mode)
                    : LocalRules.invalid("not JSON", enabled);
            List<OperationKind> kinds = combination.get(2).equals("delete") ? List.of(OperationKind.DELETE)
                    : List.of(OperationKind.INSTALL, OperationKind.UPDATE, OperationKind.UPGRADE);
            Row expected = row(combination);
            for (OperationKind kind : kinds) {
                Decision actual = ExtensionPolicy.decide(rules, ExtensionId.parse(target), kind);
                assertThat(actual.errorCode()).as("%s %s under %s", kind, target, combination).isEqualTo(expected.errorCode());
                assertThat(actual.allowed()).as("%s %s under %s", kind, target, combination).isEqualTo(expected.allowed());
            }
        }
    }

    private static Row row(List<String> input) {
        List<Row> matching = ROWS.stream().filter(row -> row.matches(input)).toList();
        assertThat(matching).as("rows for %s", input).hasSize(1);
        return matching.get(0);
    }

    private static List<List<String>> combinations() {
        List<List<String>> all = List.of(List.of());
        for (List<String> values : COLUMN_VALUES) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> prefix : all) {
                for (String value : values) {
                    List<String> longer = new ArrayList<>(prefix);
                    longer.add(value);
                    next.add(longer);
                }
            }
            all = next;
        }
        return all;
    }

    /** The allowlist column, by plain string comparison: Allow/None, the special value, allows nothing. */
    private static String allowlistColumn(List<String> allowlist, String target) {
        if (allowlist == null || allowlist.isEmpty()) {
            return "none configured";
        }
        Set<String> entries = normal(allowlist);
        if (entries.equals(Set.of("allow/none"))) {
            return "Allow/None";
        }
        return entries.contains(normal(target)) && !normal(target).equals("allow/none") ? "on it" : "not on it";
    }

    private static String onIt(List<String> list, String target) {
        return list != null && normal(list).contains(normal(target)) ? "on it" : "not on it";
    }

    private static String onIt(Set<String> normalList, String target) {
        return normalList.contains(normal(target)) ? "on it" : "not on it";
    }

    private static List<ExtensionId> ids(List<String> entries) {
        return entries == null ? null : entries.stream().map(ExtensionId::parse).toList();
    }

    /** Publisher/Type as the docs say lists match: whitespace trimmed, letter case ignored. */
    private static String normal(String entry) {
        String[] parts = entry.split("/");
        return (parts[0].trim() + "/" + parts[1].trim()).toLowerCase(Locale.ROOT);
    }

    private static Set<String> normal(List<String> entries) {
        return entries.stream().map(ExtensionPolicyPropertiesTest::normal).collect(Collectors.toSet());
    }

    @Provide
    Arbitrary<String> spelledEntry() {
        return Arbitraries.of(UNIVERSE).flatMap(entry -> Arbitraries.randomValue(random -> respell(entry, random)));
    }

    @Provide
    Arbitrary<List<String>> lists() {
        return spelledEntry().list().ofMaxSize(5).injectNull(0.3);
    }

    @Provide
    Arbitrary<Boolean> mostlyTrue() {
        return Arbitraries.integers().between(1, 10).map(n -> n > 1);
    }

    /** Same extension, written as people write it: any letter case, spaces around the entry and the slash. */
    private static String respell(String entry, Random random) {
        StringBuilder out = new StringBuilder(" ".repeat(random.nextInt(3)));
        for (char c : entry.toCharArray()) {
            if (c == '/' && random.nextBoolean()) {
                out.append(" / ");
                continue;
            }
            out.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return out.append("\t".repeat(random.nextInt(2))).toString();
    }
}

package dev.bulwark.model.policy;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every cell of the allow/block table in reference/extensions-security.md, copied here verbatim and
 * parsed, so a cell cannot be skipped; then the cases the table leaves out.
 */
class ExtensionPolicyTableTest {

    /** The seed's table, as published. */
    private static final String SEED_TABLE = """
            | Operation | In the allowlist | In the blocklist | In both the allowlist and blocklist | Not in any list, but an allowlist is configured |
            |--|--|--|--|
            | Install extension | Allowed | Blocked | Blocked | Blocked |
            | Update (reconfigure) extension | Allowed | Blocked | Blocked | Blocked |
            | Upgrade extension | Allowed | Blocked | Blocked | Blocked |
            | Delete extension | Allowed | Allowed | Allowed | Allowed |
            """;

    private static final ExtensionId TARGET = ExtensionId.parse("Microsoft.Azure.Extensions/CustomScript");
    private static final ExtensionId OTHER = ExtensionId.parse("Microsoft.Azure.Monitor/AzureMonitorLinuxAgent");
    private static final ExtensionId THIRD = ExtensionId.parse("Microsoft.Compute/CustomScriptExtension");

    private static final Map<String, OperationKind> ROWS = Map.of(
            "Install extension", OperationKind.INSTALL,
            "Update (reconfigure) extension", OperationKind.UPDATE,
            "Upgrade extension", OperationKind.UPGRADE,
            "Delete extension", OperationKind.DELETE);

    /** The local rules that put TARGET in each column, and the error a block in that column carries. */
    private record Column(String heading, LocalRules rules, ErrorCode blockedWith) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("In the allowlist",
                    LocalRules.of(Set.of(TARGET, OTHER), Set.of(), true, ConfigMode.FULL), null),
            new Column("In the blocklist",
                    LocalRules.of(null, Set.of(TARGET, THIRD), true, ConfigMode.FULL), ErrorCode.ExtensionBlockedByBlocklist),
            new Column("In both the allowlist and blocklist",
                    LocalRules.of(Set.of(TARGET), Set.of(TARGET), true, ConfigMode.FULL), ErrorCode.ExtensionBlockedByBlocklist),
            new Column("Not in any list, but an allowlist is configured",
                    LocalRules.of(Set.of(OTHER), Set.of(THIRD), true, ConfigMode.FULL), ErrorCode.ExtensionBlockedByAllowlist));

    static Stream<Arguments> seedTableCells() {
        List<String> lines = SEED_TABLE.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
        List<String> headings = cells(lines.get(0));
        assertThat(headings.subList(1, headings.size())).containsExactlyElementsOf(COLUMNS.stream().map(Column::heading).toList());
        List<Arguments> out = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> row = cells(line);
            OperationKind kind = ROWS.get(row.get(0));
            assertThat(kind).as("row %s", row.get(0)).isNotNull();
            for (int c = 0; c < COLUMNS.size(); c++) {
                out.add(Arguments.of(row.get(0), COLUMNS.get(c).heading(), kind, COLUMNS.get(c), row.get(c + 1)));
            }
        }
        assertThat(out).hasSize(16);
        return out.stream();
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return Stream.of(inner.split("\\|")).map(String::trim).toList();
    }

    @ParameterizedTest(name = "{0} / {1}: {4}")
    @MethodSource("seedTableCells")
    void everyCellOfTheSeedTable(String row, String column, OperationKind kind, Column setup, String expected) {
        Decision decision = ExtensionPolicy.decide(setup.rules(), TARGET, kind);

        assertThat(decision.allowed()).isEqualTo(expected.equals("Allowed"));
        if (decision.allowed()) {
            assertThat(decision.errorCode()).isNull();
        } else {
            assertThat(decision.errorCode()).isEqualTo(setup.blockedWith());
            assertThat(decision.message()).contains(TARGET.toString()).contains("bulwark-agent config set");
        }
    }

    @ParameterizedTest
    @EnumSource(OperationKind.class)
    void withNoListEverythingIsAllowed(OperationKind kind) {
        Decision decision = ExtensionPolicy.decide(LocalRules.DEFAULT, TARGET, kind);

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.rule()).isEqualTo(kind == OperationKind.DELETE ? "delete-always-allowed" : "no-lists");
    }

    @ParameterizedTest
    @EnumSource(value = OperationKind.class, names = {"INSTALL", "UPDATE", "UPGRADE"})
    void allowNoneAllowsNothingButDelete(OperationKind kind) {
        LocalRules allowNone = LocalRules.of(Set.of(ExtensionId.parse("allow/none")), Set.of(), true, ConfigMode.FULL);

        Decision decision = ExtensionPolicy.decide(allowNone, TARGET, kind);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.errorCode()).isEqualTo(ErrorCode.ExtensionBlockedByAllowlist);
        assertThat(decision.rule()).isEqualTo("allow-none");
        assertThat(decision.message()).contains("Allow/None").contains("config set extensions.allowlist " + TARGET);
        // Allow/None is not an extension that could be allowed by being named.
        assertThat(ExtensionPolicy.decide(allowNone, LocalRules.ALLOW_NONE, kind).allowed()).isFalse();
        assertThat(ExtensionPolicy.decide(allowNone, TARGET, OperationKind.DELETE).allowed()).isTrue();
    }

    @Test
    void allowNoneBesideRealEntriesMatchesNothingItself() {
        LocalRules rules = LocalRules.of(Set.of(LocalRules.ALLOW_NONE, OTHER), Set.of(), true, ConfigMode.FULL);

        assertThat(ExtensionPolicy.decide(rules, OTHER, OperationKind.INSTALL).allowed()).isTrue();
        Decision target = ExtensionPolicy.decide(rules, TARGET, OperationKind.INSTALL);
        assertThat(target.rule()).isEqualTo("not-in-allowlist");
        assertThat(target.errorCode()).isEqualTo(ErrorCode.ExtensionBlockedByAllowlist);
    }

    @Test
    void theBlockMessageNamesTheExtensionTheRuleAndTheCommandThatWouldChangeIt() {
        Decision decision = ExtensionPolicy.decide(COLUMNS.get(1).rules(), TARGET, OperationKind.INSTALL);

        assertThat(decision.rule()).isEqualTo("blocklist");
        assertThat(decision.message()).isEqualTo("Extension Microsoft.Azure.Extensions/CustomScript was not processed:"
                + " it is on this machine's local blocklist (extensions.blocklist). A local administrator can allow it with:"
                + " bulwark-agent config set extensions.blocklist --remove Microsoft.Azure.Extensions/CustomScript");
    }

    @ParameterizedTest
    @EnumSource(value = OperationKind.class, names = {"INSTALL", "UPDATE", "UPGRADE"})
    void monitorModeUsesTheBuiltInListInsteadOfTheLocalAllowlist(OperationKind kind) {
        ExtensionId monitoring = ExtensionId.parse("MICROSOFT.AZURE.MONITOR/azuremonitorlinuxagent");
        LocalRules monitor = LocalRules.of(Set.of(TARGET), Set.of(), true, ConfigMode.MONITOR);

        Decision blocked = ExtensionPolicy.decide(monitor, TARGET, kind);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.errorCode()).isEqualTo(ErrorCode.ExtensionBlockedByMonitorMode);
        assertThat(blocked.rule()).isEqualTo("monitor-mode");
        assertThat(blocked.message()).contains("bulwark-agent config set config.mode full");

        Decision allowed = ExtensionPolicy.decide(monitor, monitoring, kind);
        assertThat(allowed.allowed()).isTrue();
        assertThat(allowed.rule()).isEqualTo("monitor-mode-allowlist");
        assertThat(ExtensionPolicy.decide(monitor, TARGET, OperationKind.DELETE).allowed()).isTrue();
    }

    @Test
    void theLocalBlocklistStillAppliesInMonitorMode() {
        ExtensionId mde = ExtensionId.parse("Microsoft.Azure.AzureDefenderForServers/MDE.Linux");
        LocalRules monitor = LocalRules.of(null, Set.of(mde), true, ConfigMode.MONITOR);

        Decision decision = ExtensionPolicy.decide(monitor, mde, OperationKind.INSTALL);
        assertThat(decision.errorCode()).isEqualTo(ErrorCode.ExtensionBlockedByBlocklist);
    }

    @ParameterizedTest
    @EnumSource(OperationKind.class)
    void aDisabledExtensionManagerRefusesEverythingIncludingDelete(OperationKind kind) {
        LocalRules disabled = LocalRules.of(Set.of(TARGET), Set.of(), false, ConfigMode.FULL);

        Decision decision = ExtensionPolicy.decide(disabled, TARGET, kind);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.errorCode()).isEqualTo(ErrorCode.ExtensionManagerDisabled);
        assertThat(decision.rule()).isEqualTo("extension-manager-disabled");
        assertThat(decision.message()).contains("bulwark-agent config set extensions.enabled true");
    }

    @ParameterizedTest
    @EnumSource(OperationKind.class)
    void anInvalidConfigurationFailsClosedButStillAllowsDelete(OperationKind kind) {
        LocalRules invalid = LocalRules.invalid("localconfig.json is not JSON", true);

        Decision decision = ExtensionPolicy.decide(invalid, TARGET, kind);
        if (kind == OperationKind.DELETE) {
            assertThat(decision.allowed()).isTrue();
        } else {
            assertThat(decision.errorCode()).isEqualTo(ErrorCode.LocalConfigurationInvalid);
            assertThat(decision.message()).contains("localconfig.json is not JSON").contains("bulwark-agent config list");
        }
        assertThat(ExtensionPolicy.decide(LocalRules.invalid("x", false), TARGET, kind).errorCode())
                .isEqualTo(ErrorCode.ExtensionManagerDisabled);
    }

    @Test
    void theBuiltInListIsVersionedAndHoldsOnlyMonitoringAndSecurityExtensions() {
        assertThat(MonitorModeAllowlist.VERSION).isNotBlank();
        assertThat(MonitorModeAllowlist.EXTENSIONS).doesNotHaveDuplicates()
                .contains(ExtensionId.parse("Qualys/WindowsAgent.AzureSecurityCenter"))
                .doesNotContain(TARGET, THIRD);
    }

    @Test
    void anEmptyAllowlistMeansNoAllowlist() {
        assertThat(LocalRules.of(Set.of(), Set.of(), true, ConfigMode.FULL).allowlist()).isNull();
    }
}

package dev.bulwark.model.policy;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.OperationKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ExtensionPolicy#decide} against a second, deliberately plain statement of the documented
 * behaviour: the seed's table written as a map, lists compared as lower-case strings, and the monitor
 * list copied out again. Inputs are random lists, spellings (case, whitespace), modes and operations.
 */
class ExtensionPolicyPropertiesTest {

    private enum Column { IN_ALLOWLIST, IN_BLOCKLIST, IN_BOTH, NEITHER_BUT_ALLOWLIST_CONFIGURED, NO_ALLOWLIST }

    /** extensions-security.md, "The table describes the behavior...", plus "no list: all allowed". */
    private static final Map<OperationKind, Map<Column, Boolean>> TABLE = new EnumMap<>(OperationKind.class);

    static {
        for (OperationKind kind : List.of(OperationKind.INSTALL, OperationKind.UPDATE, OperationKind.UPGRADE)) {
            TABLE.put(kind, new EnumMap<>(Map.of(Column.IN_ALLOWLIST, true, Column.IN_BLOCKLIST, false,
                    Column.IN_BOTH, false, Column.NEITHER_BUT_ALLOWLIST_CONFIGURED, false, Column.NO_ALLOWLIST, true)));
        }
        TABLE.put(OperationKind.DELETE, new EnumMap<>(Map.of(Column.IN_ALLOWLIST, true, Column.IN_BLOCKLIST, true,
                Column.IN_BOTH, true, Column.NEITHER_BUT_ALLOWLIST_CONFIGURED, true, Column.NO_ALLOWLIST, true)));
    }

    private static final Set<String> MONITOR_LIST = Set.of(
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

    private record Expected(boolean allowed, ErrorCode errorCode) {
    }

    @Property(tries = 3000)
    void decideAgreesWithThePlainStatementOfTheTable(@ForAll("lists") List<String> allowlist,
                                                     @ForAll("lists") List<String> blocklist,
                                                     @ForAll boolean extensionsEnabled, @ForAll ConfigMode mode,
                                                     @ForAll("mostlyTrue") boolean configValid,
                                                     @ForAll("spelledEntry") String target, @ForAll OperationKind kind) {
        LocalRules rules = configValid
                ? LocalRules.of(allowlist == null ? null : allowlist.stream().map(ExtensionId::parse).toList(),
                blocklist == null ? null : blocklist.stream().map(ExtensionId::parse).toList(), extensionsEnabled, mode)
                : LocalRules.invalid("not JSON", extensionsEnabled);

        Decision actual = ExtensionPolicy.decide(rules, ExtensionId.parse(target), kind);
        Expected expected = expected(allowlist, blocklist, extensionsEnabled, mode, configValid, target, kind);

        assertThat(actual.allowed()).as("allowed").isEqualTo(expected.allowed());
        assertThat(actual.errorCode()).as("errorCode").isEqualTo(expected.errorCode());
        assertThat(actual.rule()).isNotBlank();
        if (!actual.allowed()) {
            assertThat(actual.message()).contains(ExtensionId.parse(target).toString()).contains("bulwark-agent config ");
        }
    }

    /** The restatement: no ExtensionId, no LocalRules, just strings and the table. */
    private static Expected expected(List<String> allowlist, List<String> blocklist, boolean enabled, ConfigMode mode,
                                     boolean valid, String target, OperationKind kind) {
        if (!enabled) {
            return new Expected(false, ErrorCode.ExtensionManagerDisabled);
        }
        if (kind == OperationKind.DELETE) {
            return new Expected(true, null);
        }
        if (!valid) {
            return new Expected(false, ErrorCode.LocalConfigurationInvalid);
        }
        String t = normal(target);
        Set<String> blocked = blocklist == null ? Set.of() : normal(blocklist);
        Set<String> allowed;
        if (mode == ConfigMode.MONITOR) {
            allowed = MONITOR_LIST;
        } else if (allowlist == null || allowlist.isEmpty()) {
            allowed = null;
        } else {
            allowed = normal(allowlist);
        }
        boolean inAllow = allowed != null && allowed.contains(t) && !t.equals("allow/none");
        boolean inBlock = blocked.contains(t);
        Column column = inAllow && inBlock ? Column.IN_BOTH
                : inBlock ? Column.IN_BLOCKLIST
                : inAllow ? Column.IN_ALLOWLIST
                : allowed != null ? Column.NEITHER_BUT_ALLOWLIST_CONFIGURED
                : Column.NO_ALLOWLIST;
        if (TABLE.get(kind).get(column)) {
            return new Expected(true, null);
        }
        ErrorCode code = column == Column.NEITHER_BUT_ALLOWLIST_CONFIGURED
                ? (mode == ConfigMode.MONITOR ? ErrorCode.ExtensionBlockedByMonitorMode : ErrorCode.ExtensionBlockedByAllowlist)
                : ErrorCode.ExtensionBlockedByBlocklist;
        return new Expected(false, code);
    }

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

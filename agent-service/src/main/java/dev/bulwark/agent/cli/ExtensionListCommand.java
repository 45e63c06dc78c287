package dev.bulwark.agent.cli;

import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.extension.ExtensionHosting;
import dev.bulwark.agent.extension.InstalledRecord;
import dev.bulwark.agent.extension.MachineState;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.model.InstalledExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code extension list}: installed extensions with version and state (Stopped when the manager is disabled). */
@Command(name = "list", description = "List the installed extensions.")
final class ExtensionListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        Path home = common.home();
        MachineState state = new StateStore(home, true).read();
        boolean managerEnabled = new LocalConfigStore(home).rules().extensionsEnabled();
        List<InstalledExtension> installed = state.extensions().values().stream()
                .map(e -> view(e, managerEnabled)).toList();
        if (common.json()) {
            common.printJson(installed);
            return ExitCodes.OK;
        }
        PrintWriter out = common.out();
        if (installed.isEmpty()) {
            out.println("No extensions are installed.");
            return ExitCodes.OK;
        }
        String format = "%-32s %-60s %-12s %s%n";
        out.printf(format, "NAME", "PUBLISHER/TYPE", "VERSION", "STATE");
        for (InstalledExtension e : installed) {
            out.printf(format, e.name(), e.publisher() + "/" + e.type(), e.version() == null ? "" : e.version(), e.state());
        }
        if (!managerEnabled) {
            out.println("The extension manager is disabled (extensions.enabled is false): extensions it hosts are stopped.");
        }
        return ExitCodes.OK;
    }

    private static InstalledExtension view(InstalledRecord record, boolean managerEnabled) {
        return new InstalledExtension(record.name(), record.publisher(), record.type(), record.version(),
                ExtensionHosting.state(record, managerEnabled));
    }
}

package dev.bulwark.agent.cli;

import dev.bulwark.agent.extension.ProtectedSettingsVault;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.model.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code extension remove --name NAME | --all}: removes extensions on this machine without the cloud, for
 * troubleshooting and clean-up. If the cloud still expects one, it sends it again at the next sync.
 */
@Command(name = "remove", description = "Remove an installed extension (or all) locally; works while disconnected.")
final class ExtensionRemoveCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "The extension's name.")
        String name;

        @Option(names = "--all", description = "Every installed extension.")
        boolean all;
    }

    @Override
    public Integer call() throws IOException {
        Path home = common.home();
        StateStore store = new StateStore(home, true);
        if (!which.all && store.read().installed(which.name) == null) {
            throw notInstalled();
        }
        List<String> removed = new ArrayList<>();
        store.update(state -> {
            if (which.all) {
                removed.addAll(state.extensions().keySet());
                return state.withoutAll();
            }
            if (state.installed(which.name) == null) {
                return state;
            }
            removed.add(which.name);
            return state.without(which.name);
        });
        if (!which.all && removed.isEmpty()) {
            throw notInstalled();
        }
        ProtectedSettingsVault vault = new ProtectedSettingsVault(home, new IdentityStore(home), true);
        for (String name : removed) {
            vault.delete(name);
        }
        if (common.json()) {
            common.printJson(Json.MAPPER.createObjectNode().set("removed", Json.MAPPER.valueToTree(removed)));
        } else if (removed.isEmpty()) {
            common.out().println("No extensions are installed.");
        } else {
            for (String name : removed) {
                common.out().println("Extension " + name + " removed locally.");
            }
            common.out().println("If the cloud still expects an extension, it is installed again at the next sync.");
        }
        return ExitCodes.OK;
    }

    private CliException notInstalled() {
        return CliException.failed("ExtensionNotInstalled", "Extension " + which.name
                + " is not installed on this machine. See 'bulwark-agent extension list'.");
    }
}

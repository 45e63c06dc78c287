package dev.bulwark.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code bulwark-agent extension}: what is installed here, and local removal (works disconnected). */
@Command(name = "extension", description = "List or locally remove installed extensions.",
        subcommands = {ExtensionListCommand.class, ExtensionRemoveCommand.class})
final class ExtensionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}

package dev.bulwark.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code bulwark-agent config}: the local configuration, which only this machine's administrator changes. */
@Command(name = "config", description = "Show and change the local configuration.",
        subcommands = {ConfigListCommand.class, ConfigGetCommand.class, ConfigSetCommand.class, ConfigClearCommand.class,
                ConfigInfoCommand.class, CheckExtensionCommand.class})
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}

package dev.bulwark.agent.cli;

import dev.bulwark.agent.AgentVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bulwark-agent}: the top of the command tree. Mirrors {@code azcmagent} so scripts port by renaming. */
@Command(name = "bulwark-agent", mixinStandardHelpOptions = true, versionProvider = AgentCommand.Version.class,
        description = "Bulwark agent: local extension rules that only this machine's administrator can change.",
        subcommands = {ConfigCommand.class, ExtensionCommand.class, ConnectCommand.class, IdentityCommand.class, ShowCommand.class,
                RunCommand.class})
public final class AgentCommand implements Callable<Integer> {
    private final Map<String, String> environment;

    @Spec
    private CommandSpec spec;

    AgentCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The process environment ($BULWARK_AGENT_HOME); tests pass their own. */
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"bulwark-agent " + AgentVersion.VERSION};
        }
    }
}

package dev.bulwark.agent.pkg;

import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.cli.AgentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

/** {@code --home} and {@code --json} of the {@code bulwark-agent package} commands. */
public final class PackageOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--home", paramLabel = "DIR",
            description = "The agent's home (default: $BULWARK_AGENT_HOME, else /var/opt/bulwark as root, else ~/.bulwark/agent).")
    String home;

    @Option(names = {"-j", "--json"}, description = "Print JSON.")
    boolean json;

    /** The environment of the {@code bulwark-agent} root command (tests pass their own), else the process's. */
    Path home() {
        Object root = mixee.root().userObject();
        Map<String, String> environment = root instanceof AgentCommand agent ? agent.environment() : System.getenv();
        return AgentHome.resolve(home, environment);
    }
}

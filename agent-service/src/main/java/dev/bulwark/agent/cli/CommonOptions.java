package dev.bulwark.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bulwark.agent.AgentHome;
import dev.bulwark.model.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code --home} and {@code --json}, which every command takes ({@code @Mixin CommonOptions common}),
 * plus the command's output streams.
 */
public final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--home", paramLabel = "DIR",
            description = "The agent's home (default: $BULWARK_AGENT_HOME, else /var/opt/bulwark as root, else ~/.bulwark/agent).")
    String home;

    @Option(names = {"-j", "--json"}, description = "Print JSON.")
    boolean json;

    public Path home() {
        return AgentHome.resolve(home, ((AgentCommand) mixee.root().userObject()).environment());
    }

    public boolean json() {
        return json;
    }

    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    public PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** Prints {@code value} as one line of JSON. */
    public void printJson(Object value) {
        try {
            out().println(Json.MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

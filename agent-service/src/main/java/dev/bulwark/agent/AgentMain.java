package dev.bulwark.agent;

import dev.bulwark.agent.cli.AgentCli;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of {@code quarkus-run.jar}: every verb is the plain picocli CLI, and only {@code run}
 * goes on to start Quarkus, so {@code config list} answers without booting an application.
 */
@QuarkusMain
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String... args) {
        System.exit(AgentCli.run(args));
    }
}

package dev.bulwark.agent.runtime;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** The Quarkus application behind {@code bulwark-agent run}: {@link AgentHostLifecycle} runs the host until shutdown. */
public final class AgentApplication implements QuarkusApplication {
    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}

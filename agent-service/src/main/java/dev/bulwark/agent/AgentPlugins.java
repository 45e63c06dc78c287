package dev.bulwark.agent;

import dev.bulwark.agent.extension.PackageGate;

import java.nio.file.Path;
import java.util.List;

/**
 * The one place where parts written elsewhere plug into the agent, so adding one is a one-line change:
 * <ul>
 *   <li>{@link #PACKAGE_SUBCOMMANDS}: subcommands of {@code bulwark-agent package} (picocli classes; give
 *       them {@code @Mixin CommonOptions} for {@code --home} and {@code --json}).</li>
 *   <li>{@link #packageGate}: package verification used by every agent process.</li>
 * </ul>
 */
public final class AgentPlugins {

    /** Add {@code dev.bulwark.agent.pkg.PackageVerifyCommand.class} here ({@code @Command(name = "verify")}). */
    public static final List<Class<?>> PACKAGE_SUBCOMMANDS = List.of();

    private AgentPlugins() {
    }

    /** The package gate for an agent process whose home is {@code agentHome}. */
    public static PackageGate packageGate(Path agentHome) {
        return PackageGate.NOT_CONFIGURED;
    }
}

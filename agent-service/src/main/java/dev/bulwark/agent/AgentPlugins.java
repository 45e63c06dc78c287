package dev.bulwark.agent;

import dev.bulwark.agent.extension.PackageGate;
import dev.bulwark.agent.pkg.PackageTrustCommand;
import dev.bulwark.agent.pkg.PackageVerifyCommand;
import dev.bulwark.agent.pkg.VerifyingPackageGate;

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

    /** {@code package verify} and {@code package trust add|list|remove}. */
    public static final List<Class<?>> PACKAGE_SUBCOMMANDS = List.of(PackageVerifyCommand.class, PackageTrustCommand.class);

    private AgentPlugins() {
    }

    /** The package gate for an agent process whose home is {@code agentHome}, downloading straight from storage. */
    public static PackageGate packageGate(Path agentHome) {
        return packageGate(agentHome, VerifyingPackageGate.Options.defaults());
    }

    /** The package gate for an agent process; the host that uses it closes it. */
    public static PackageGate packageGate(Path agentHome, VerifyingPackageGate.Options options) {
        return VerifyingPackageGate.inHome(agentHome, options);
    }
}

package dev.bulwark.agent;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a machine keeps its files, and where a simulated fleet keeps each machine's home:
 * <pre>
 * HOME/localconfig.json      local rules (0600), only the CLI writes it
 * HOME/identity.json         machine id, cloud URL, the cloud's signing key (trust root), public keys
 * HOME/machine-keys.json     the machine's Ed25519 and X25519 private keys (0600)
 * HOME/settings.key          machine-local AES key for protected settings at rest (0600)
 * HOME/state.json            installed extensions and the results of recent operations
 * HOME/settings/NAME.protected  protected settings, encrypted at rest
 * HOME/host-id               this agent process's consumer-group id
 * HOME/machines/NAME/        one simulated machine, laid out like HOME
 * </pre>
 */
public final class AgentHome {
    public static final String ENV = "BULWARK_AGENT_HOME";
    public static final String MACHINES = "machines";

    private AgentHome() {
    }

    /** {@code --home}, else {@code $BULWARK_AGENT_HOME}, else /var/opt/bulwark as root, else ~/.bulwark/agent. */
    public static Path resolve(String option, Map<String, String> env) {
        if (option != null && !option.isBlank()) {
            return Path.of(option).toAbsolutePath().normalize();
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        if (isRoot()) {
            return Path.of("/var/opt/bulwark");
        }
        return Path.of(System.getProperty("user.home"), ".bulwark", "agent");
    }

    public static Path machines(Path home) {
        return home.resolve(MACHINES);
    }

    public static Path simulatedMachine(Path home, String name) {
        return machines(home).resolve(name);
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (Exception notLinux) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}

package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.handler.ExtensionCgroups;
import dev.bulwark.agent.handler.HandlerUser;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.identity.MachineIdentity;
import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.VerificationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code show}: this machine's identity, trust root, mode and extensions; and the simulated fleet, if any. */
@Command(name = "show", description = "Show the machine's connection, trust and configuration summary.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        Path home = common.home();
        IdentityStore identityStore = new IdentityStore(home);
        MachineIdentity identity = identityStore.isConnected() ? identityStore.read() : null;
        LocalConfig config = new LocalConfigStore(home).read();
        int installed = new StateStore(home, true).read().extensions().size();
        String catalogKeys = catalogKeys(home);
        String tlsTrust = tlsTrust(home, identity);
        long simulated = simulatedMachines(home);
        int cpuLimit = config.extensionCpuLimit();
        String handlers = handlers(config, simulated);
        // What the agent would use; show creates no cgroup.
        String cpuMechanism = ExtensionCgroups.probe(ExtensionCgroups.machineKey(home));
        if (common.json()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("agentVersion", AgentVersion.VERSION).put("home", home.toString())
                    .put("status", identity == null ? "Disconnected" : "Connected");
            if (identity != null) {
                body.put("machineName", identity.machineName()).put("machineId", identity.machineId())
                        .put("cloudUrl", identity.cloudUrl()).put("cloudKeyFingerprint", identity.cloudKeyFingerprint())
                        .put("connectedAt", identity.connectedAt() == null ? null : identity.connectedAt().toString());
            }
            body.put("cloudCaFingerprint", pinnedFingerprint(home)).put("tlsTrust", tlsTrust);
            body.put("configMode", config.isValid() ? config.mode().spelling() : null)
                    .put("configurationError", config.problemSummary())
                    .put("extensionsEnabled", config.rules().extensionsEnabled());
            body.putObject("cpuLimit").put("percent", cpuLimit).put("mechanism", cpuMechanism);
            body.put("extensionHandlers", handlers);
            body.put("installedExtensions", installed).put("simulatedMachines", simulated)
                    .put("catalogSigningKeys", catalogKeys);
            common.printJson(body);
            return ExitCodes.OK;
        }
        PrintWriter out = common.out();
        out.println(ConfigFormat.line("Agent version", AgentVersion.VERSION));
        out.println(ConfigFormat.line("Home", home.toString()));
        out.println(ConfigFormat.line("Agent status", identity == null
                ? "Disconnected (run 'bulwark-agent connect' to register this machine)" : "Connected"));
        if (identity != null) {
            out.println(ConfigFormat.line("Machine name", identity.machineName()));
            out.println(ConfigFormat.line("Resource id", identity.machineId()));
            out.println(ConfigFormat.line("Cloud", identity.cloudUrl()));
            out.println(ConfigFormat.line("Cloud signing key", identity.cloudKeyFingerprint()));
            out.println(ConfigFormat.line("Cloud TLS trust", tlsTrust));
            out.println(ConfigFormat.line("Connected at", String.valueOf(identity.connectedAt())));
        }
        out.println(ConfigFormat.line("Configuration mode", config.isValid() ? config.mode().spelling()
                : "invalid configuration: " + config.problemSummary()));
        out.println(ConfigFormat.line("Extension manager", config.rules().extensionsEnabled() ? "enabled" : "disabled"));
        out.println(ConfigFormat.line("Extension handlers", handlers));
        out.println(ConfigFormat.line("Extension CPU limit", cpuLimit + "% (" + cpuMechanism + ")"));
        out.println(ConfigFormat.line("Catalog signing keys", catalogKeys + " (bulwark-agent package trust list)"));
        out.println(ConfigFormat.line("Installed extensions", String.valueOf(installed)));
        if (simulated > 0) {
            out.println(ConfigFormat.line("Simulated machines", simulated + " under " + AgentHome.machines(home)
                    + " (address one with --home " + AgentHome.machines(home) + "/NAME)"));
        }
        return ExitCodes.OK;
    }

    /** What runs extensions here, and as whom (docs/extension-handlers.md). */
    private static String handlers(LocalConfig config, long simulatedMachines) {
        if (simulatedMachines > 0) {
            return "simulated (a fleet home: no process runs)";
        }
        if (!new HandlerUser.Directory().agentIsRoot()) {
            return "real processes, as the agent's own user (the agent is not root, so there is nothing to drop to)";
        }
        List<String> root = config.isValid() ? config.list(ConfigKey.EXTENSIONS_RUNASROOT) : List.of();
        return "real processes, each extension as its own unprivileged user" + (root.isEmpty() ? ""
                : "; as root (extensions.runasroot): " + String.join(", ", root));
    }

    /** Whom the machine's HTTPS requests trust: its pinned CA (by fingerprint), or the JVM's trust store. */
    private static String tlsTrust(Path home, MachineIdentity identity) {
        if (identity != null && identity.cloudUrl() != null && identity.cloudUrl().startsWith("http:")) {
            return "none: plain http (connected with --allow-plain-http, development only)";
        }
        try {
            PinnedCa pinned = PinnedCa.inHome(home);
            return pinned == null ? "the JVM's default trust store (no CA pinned)"
                    : "pinned CA " + pinned.fingerprint() + " (" + pinned.subject() + ", " + home.resolve(PinnedCa.FILE) + ")";
        } catch (IOException | IllegalArgumentException e) {
            return "unusable pinned CA (" + e.getMessage() + "): every HTTPS request will fail";
        }
    }

    private static String pinnedFingerprint(Path home) {
        try {
            PinnedCa pinned = PinnedCa.inHome(home);
            return pinned == null ? null : pinned.fingerprint();
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** How many catalog keys this machine trusts, or why none can be read (every package is then refused). */
    private static String catalogKeys(Path home) {
        try {
            int count = new TrustStore(home).list().size();
            return count + " trusted" + (count == 0 ? ": every package will be refused" : "");
        } catch (VerificationException e) {
            return "unusable (" + e.getMessage() + "): every package will be refused";
        }
    }

    private static long simulatedMachines(Path home) throws IOException {
        Path fleet = AgentHome.machines(home);
        if (!Files.isDirectory(fleet)) {
            return 0;
        }
        long count = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(fleet, Files::isDirectory)) {
            for (Path ignored : dirs) {
                count++;
            }
        }
        return count;
    }
}

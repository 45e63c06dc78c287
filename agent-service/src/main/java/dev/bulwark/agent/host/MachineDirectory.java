package dev.bulwark.agent.host;

import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.identity.MachineIdentity;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the machines an agent process hosts: HOME itself when it is connected, and every connected
 * simulated machine under HOME/machines/. Simulated machines usually trust the same cloud key and cloud URL,
 * so equal ones are decoded once and shared: one {@link CloudTrust} per distinct key, whose operation
 * verifier checks each batch root once for all the machines that trust it.
 */
public final class MachineDirectory {
    private MachineDirectory() {
    }

    /** Machines by machine id (the Kafka key of their records). */
    public static Map<String, Machine> load(Path home, boolean durable) throws IOException {
        Map<String, CloudTrust> cloudKeys = new HashMap<>();
        Map<String, String> cloudUrls = new HashMap<>();
        Map<String, Machine> machines = new LinkedHashMap<>();
        for (Path machineHome : homes(home)) {
            MachineIdentity identity = new IdentityStore(machineHome).read();
            CloudTrust cloud = cloudKeys.computeIfAbsent(identity.cloudSigningKey(), CloudTrust::new);
            String cloudUrl = identity.cloudUrl() == null ? null : cloudUrls.computeIfAbsent(identity.cloudUrl(), url -> url);
            Machine previous = machines.put(identity.machineId(),
                    new Machine(machineHome, identity.machineId(), cloudUrl, cloud, durable));
            if (previous != null) {
                throw new IOException(identity.machineId() + " is connected twice: in " + previous.home() + " and " + machineHome);
            }
        }
        return machines;
    }

    static List<Path> homes(Path home) throws IOException {
        List<Path> homes = new ArrayList<>();
        if (new IdentityStore(home).isConnected()) {
            homes.add(home);
        }
        Path fleet = AgentHome.machines(home);
        if (Files.isDirectory(fleet)) {
            List<Path> simulated = new ArrayList<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(fleet, Files::isDirectory)) {
                for (Path dir : dirs) {
                    if (new IdentityStore(dir).isConnected()) {
                        simulated.add(dir);
                    }
                }
            }
            simulated.sort(null);
            homes.addAll(simulated);
        }
        return homes;
    }
}

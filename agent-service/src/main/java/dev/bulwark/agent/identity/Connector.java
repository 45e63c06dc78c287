package dev.bulwark.agent.identity;

import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.AgentVersion;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.MachineKeys;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * {@code connect}: gives a machine (or each machine of a simulated fleet) its keys, registers it with the
 * cloud and stores the cloud's signing key as the machine's trust root. A fleet of {@code count} machines
 * named NAME-0001... lives under HOME/machines/, each with its own identity, configuration and state.
 */
public final class Connector {
    private static final int IN_FLIGHT = 32;

    private final CloudRegistrar registrar;

    public Connector(CloudRegistrar registrar) {
        this.registrar = registrar;
    }

    /** {@code count} null: HOME itself is the machine; otherwise a fleet under HOME/machines/. */
    public record Request(URI cloud, String subscription, String resourceGroup, String machineName, Integer count) {
    }

    /** One machine connected; {@code previousCloudKey} is set when connecting again changed the trust root. */
    public record Connected(Path home, MachineIdentity identity, String previousCloudKey) {
    }

    public record Outcome(List<Connected> connected, List<String> failures) {
    }

    public Outcome connect(Path home, Request request) throws IOException {
        List<Target> targets = targets(home, request);
        List<Connected> connected = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        boolean durable = request.count() == null;
        for (Target target : targets) {
            IdentityStore store = new IdentityStore(target.home(), durable);
            MachineIdentity existing = store.isConnected() ? store.read() : null;
            String machineId = MachineIds.resourceId(request.subscription(), request.resourceGroup(), target.name());
            if (existing != null && !existing.machineId().equals(machineId)) {
                failures.add(target.home() + " is already connected as " + existing.machineId()
                        + "; to connect it as another machine, remove " + store.home().resolve(IdentityStore.IDENTITY_FILE) + " first");
                continue;
            }
            MachineKeys keys = store.ensureKeys();
            inFlight.acquireUninterruptibly();
            all.add(registrar.register(request.cloud(), request.subscription(), request.resourceGroup(), target.name(),
                            keys, AgentVersion.VERSION)
                    .thenAccept(cloudKey -> {
                        MachineIdentity identity = new MachineIdentity(target.name(), request.subscription(),
                                request.resourceGroup(), machineId, request.cloud().toString(), cloudKey, keys.signing(),
                                keys.encryption(), AgentVersion.VERSION, Instant.now());
                        try {
                            store.write(identity);
                        } catch (IOException e) {
                            throw new CompletionException(e);
                        }
                        String previous = existing != null && !existing.cloudSigningKey().equals(cloudKey)
                                ? existing.cloudSigningKey() : null;
                        connected.add(new Connected(target.home(), identity, previous));
                    })
                    .whenComplete((ignored, error) -> {
                        inFlight.release();
                        if (error != null) {
                            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                            failures.add(target.name() + ": " + cause.getMessage());
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        List<Connected> sorted = new ArrayList<>(connected);
        sorted.sort((a, b) -> a.identity().machineName().compareTo(b.identity().machineName()));
        return new Outcome(sorted, List.copyOf(failures));
    }

    private record Target(String name, Path home) {
    }

    private static List<Target> targets(Path home, Request request) {
        if (request.count() == null) {
            return List.of(new Target(request.machineName(), home));
        }
        int width = Math.max(4, String.valueOf(request.count()).length());
        List<Target> targets = new ArrayList<>(request.count());
        for (int i = 1; i <= request.count(); i++) {
            String name = request.machineName() + "-" + String.format("%0" + width + "d", i);
            targets.add(new Target(name, AgentHome.simulatedMachine(home, name)));
        }
        return targets;
    }

    /** The names a fleet request will use, to validate them before anything is written. */
    public static List<String> machineNames(Request request) {
        return targets(Path.of("."), request).stream().map(Target::name).toList();
    }
}

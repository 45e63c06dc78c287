package dev.bulwark.agent.identity;

import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.MachineKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.crypto.Ed25519;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * {@code connect}: gives a machine (or each machine of a simulated fleet) its keys, registers it with the
 * cloud and stores the machine's trust roots: the cloud's operation-signing key, and the catalog-signing
 * keys in the machine's {@link TrustStore}, either as the cloud's answer offers them (trust on first use,
 * like the cloud key) or, when the administrator pins keys ({@code --catalog-key}), exactly those and none
 * from the answer. Afterwards only {@code package trust add|remove} (or connecting again) changes them; no
 * message from the cloud can. A fleet of {@code count} machines named NAME-0001... lives under
 * HOME/machines/, each with its own identity, configuration, state and trust store.
 */
public final class Connector {
    private static final int IN_FLIGHT = 32;

    private final CloudRegistrar registrar;

    public Connector(CloudRegistrar registrar) {
        this.registrar = registrar;
    }

    /**
     * {@code count} null: HOME itself is the machine; otherwise a fleet under HOME/machines/.
     * {@code pinnedCatalogKeys} empty: trust the catalog keys the cloud's answer offers; else exactly these.
     */
    public record Request(URI cloud, String subscription, String resourceGroup, String machineName, Integer count,
                          List<PublicKey> pinnedCatalogKeys) {
        public Request {
            pinnedCatalogKeys = pinnedCatalogKeys == null ? List.of() : List.copyOf(pinnedCatalogKeys);
        }

        public Request(URI cloud, String subscription, String resourceGroup, String machineName, Integer count) {
            this(cloud, subscription, resourceGroup, machineName, count, List.of());
        }
    }

    /**
     * One machine connected; {@code previousCloudKey} is set when connecting again changed the trust root;
     * {@code catalogKeyIds} are the catalog keys this connect stored ({@code catalogKeysPinned}: from
     * {@code --catalog-key}, else from the cloud's answer); {@code trustedCatalogKeys} how many it trusts now.
     */
    public record Connected(Path home, MachineIdentity identity, String previousCloudKey, List<String> catalogKeyIds,
                            boolean catalogKeysPinned, int trustedCatalogKeys) {
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
                    .thenAccept(registration -> {
                        String cloudKey = registration.cloudSigningKey();
                        MachineIdentity identity = new MachineIdentity(target.name(), request.subscription(),
                                request.resourceGroup(), machineId, request.cloud().toString(), cloudKey, keys.signing(),
                                keys.encryption(), AgentVersion.VERSION, Instant.now());
                        List<String> catalogKeyIds;
                        int trusted;
                        try {
                            // Trust roots before identity.json: a machine is "connected" only once both are stored.
                            catalogKeyIds = trustCatalogKeys(target, request, registration, durable);
                            trusted = new TrustStore(target.home()).list().size();
                            store.write(identity);
                        } catch (IOException | VerificationException e) {
                            throw new CompletionException(e);
                        }
                        String previous = existing != null && !existing.cloudSigningKey().equals(cloudKey)
                                ? existing.cloudSigningKey() : null;
                        connected.add(new Connected(target.home(), identity, previous, catalogKeyIds,
                                !request.pinnedCatalogKeys().isEmpty(), trusted));
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

    /** Stores the pinned keys, or else those the cloud's answer offers; returns their ids. */
    private static List<String> trustCatalogKeys(Target target, Request request, CloudRegistrar.Registration registration,
                                                 boolean durable) throws IOException {
        List<PublicKey> keys = request.pinnedCatalogKeys();
        if (keys.isEmpty()) {
            keys = new ArrayList<>();
            for (int i = 0; i < registration.catalogSigningKeys().size(); i++) {
                try {
                    keys.add(Ed25519.decodePublic(registration.catalogSigningKeys().get(i)));
                } catch (IllegalArgumentException e) {
                    throw new CloudRegistrar.RegistrationException("the cloud's properties.catalogSigningKeys[" + i
                            + "] is not an Ed25519 public key; nothing was trusted (pin keys with --catalog-key FILE instead)");
                }
            }
        }
        TrustStore trust = new TrustStore(target.home());
        List<String> ids = new ArrayList<>();
        for (PublicKey key : keys) {
            ids.add(trust.add(key, durable).keyId());
        }
        return ids;
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

package dev.bulwark.agent.identity;

import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.identity.CloudRegistrar.Registration;
import dev.bulwark.agent.identity.CloudRegistrar.RegistrationException;
import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.MachineKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.crypto.Ed25519;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One machine being connected, before and after its registration: its keys (kept when the home has some),
 * then, with the cloud's answer, its trust roots and its identity. The same steps for one machine and for
 * every machine of a fleet.
 */
final class Enrollment {
    /** A machine to connect and its home. */
    record Target(String name, Path home) {
    }

    private final Target target;
    private final Connector.Request request;
    private final IdentityStore store;
    private final MachineIdentity existing;
    private final String machineId;
    private final MachineKeys keys;
    private final boolean durable;

    private Enrollment(Target target, Connector.Request request, IdentityStore store, MachineIdentity existing,
                       String machineId, MachineKeys keys, boolean durable) {
        this.target = target;
        this.request = request;
        this.store = store;
        this.existing = existing;
        this.machineId = machineId;
        this.keys = keys;
        this.durable = durable;
    }

    /**
     * Gives the machine its keys (generated and written now unless its home has keys already).
     *
     * @throws RegistrationException when the home is connected as another machine
     */
    static Enrollment prepare(Target target, Connector.Request request, boolean durable) throws IOException {
        IdentityStore store = new IdentityStore(target.home(), durable);
        MachineIdentity existing = store.isConnected() ? store.read() : null;
        String machineId = MachineIds.resourceId(request.subscription(), request.resourceGroup(), target.name());
        if (existing != null && !existing.machineId().equals(machineId)) {
            throw new RegistrationException(target.home() + " is already connected as " + existing.machineId()
                    + "; to connect it as another machine, remove " + store.home().resolve(IdentityStore.IDENTITY_FILE) + " first");
        }
        return new Enrollment(target, request, store, existing, machineId, store.ensureKeys(), durable);
    }

    Target target() {
        return target;
    }

    MachineKeys keys() {
        return keys;
    }

    /**
     * The catalog keys a registration answer leads the machines to trust: the pinned ones, else those the
     * answer offers (all of them Ed25519 keys, or nothing is trusted). Decoded once per answer.
     */
    static List<PublicKey> catalogKeys(Connector.Request request, Registration registration) {
        if (!request.pinnedCatalogKeys().isEmpty()) {
            return request.pinnedCatalogKeys();
        }
        List<PublicKey> keys = new ArrayList<>();
        for (int i = 0; i < registration.catalogSigningKeys().size(); i++) {
            try {
                keys.add(Ed25519.decodePublic(registration.catalogSigningKeys().get(i)));
            } catch (IllegalArgumentException e) {
                throw new RegistrationException("the cloud's properties.catalogSigningKeys[" + i
                        + "] is not an Ed25519 public key; nothing was trusted (pin keys with --catalog-key FILE instead)");
            }
        }
        return keys;
    }

    /** Stores the trust roots, then the identity: a machine is "connected" only once both are stored. */
    Connector.Connected complete(Registration registration, List<PublicKey> catalogKeys) throws IOException {
        if (request.cloudCa() != null) {
            request.cloudCa().storeIn(target.home(), durable);
        } else {
            PinnedCa.removeFrom(target.home());
        }
        String cloudKey = registration.cloudSigningKey();
        MachineIdentity identity = new MachineIdentity(target.name(), request.subscription(), request.resourceGroup(),
                machineId, request.cloud().toString(), cloudKey, keys.signing(), keys.encryption(), AgentVersion.VERSION,
                Instant.now());
        TrustStore trust = new TrustStore(target.home());
        List<String> catalogKeyIds = new ArrayList<>();
        for (PublicKey key : catalogKeys) {
            catalogKeyIds.add(trust.add(key, durable).keyId());
        }
        int trusted;
        try {
            trusted = trust.list().size();
        } catch (VerificationException e) {
            throw new IOException(e.getMessage(), e);
        }
        store.write(identity);
        String previous = existing != null && !existing.cloudSigningKey().equals(cloudKey) ? existing.cloudSigningKey() : null;
        return new Connector.Connected(target.home(), identity, previous, catalogKeyIds,
                !request.pinnedCatalogKeys().isEmpty(), trusted);
    }
}

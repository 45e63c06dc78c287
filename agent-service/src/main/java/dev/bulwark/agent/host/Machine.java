package dev.bulwark.agent.host;

import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.extension.ProtectedSettingsVault;
import dev.bulwark.agent.extension.StateStore;
import dev.bulwark.agent.files.FileSignature;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.model.crypto.Ed25519;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * One machine an agent process hosts: its identity, its local rules and its state, all on disk under its
 * home. Kept small (about a kilobyte) because one process may host 100,000 of them: keys are loaded on
 * first use, configuration and state are read from disk when needed.
 */
public final class Machine {
    private final Path home;
    private final String machineId;
    private final String cloudUrl;
    private final CloudTrust cloud;
    private final LocalConfigStore config;
    private final StateStore state;
    private final boolean durable;
    private volatile Ed25519.SigningKey signingKey;

    /** Touched only by the sync loop: what the last report covered, and when the next one is due. */
    FileSignature reportedConfig;
    FileSignature knownState;
    long nextReportNanos;
    /** Set when a guest compliance report from the sync loop was not acknowledged: report them all again. */
    volatile boolean guestReportLost;

    Machine(Path home, String machineId, String cloudUrl, CloudTrust cloud, boolean durable) {
        this.home = home;
        this.machineId = machineId;
        this.cloudUrl = cloudUrl;
        this.cloud = cloud;
        this.durable = durable;
        this.config = new LocalConfigStore(home);
        this.state = new StateStore(home, durable);
    }

    public Path home() {
        return home;
    }

    public String machineId() {
        return machineId;
    }

    /** The cloud this machine connected to (private-endpoint mode downloads packages through it). */
    public String cloudUrl() {
        return cloudUrl;
    }

    public boolean durable() {
        return durable;
    }

    /** The cloud's signing key, as trusted at connect. */
    public PublicKey cloudKey() {
        return cloud.publicKey();
    }

    /** The cloud key with its verifiers, shared by every machine of this process that trusts the same key. */
    public CloudTrust cloudTrust() {
        return cloud;
    }

    public LocalConfigStore config() {
        return config;
    }

    public StateStore state() {
        return state;
    }

    public IdentityStore identity() {
        return new IdentityStore(home, durable);
    }

    public ProtectedSettingsVault vault() {
        return new ProtectedSettingsVault(home, identity(), durable);
    }

    /** The machine's key for results and reports, read and decoded on first use and kept. */
    public Ed25519.SigningKey signingKey() {
        Ed25519.SigningKey key = signingKey;
        if (key == null) {
            try {
                key = Ed25519.signingKey(identity().signingKey());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the signing key of " + machineId, e);
            }
            signingKey = key;
        }
        return key;
    }

    /** Read when needed only: it opens protected settings, which few operations carry. */
    public PrivateKey encryptionKey() throws IOException {
        return identity().encryptionKey();
    }
}

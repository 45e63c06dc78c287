package dev.bulwark.agent.cli;

import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.identity.CloudRegistrar;
import dev.bulwark.agent.identity.IdentityStore;
import dev.bulwark.agent.identity.KeyFingerprint;
import dev.bulwark.agent.identity.MachineIdentity;
import dev.bulwark.agent.identity.RegistrationCredential;
import dev.bulwark.agent.tls.CloudHttp;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.model.MachineKeys;
import dev.bulwark.model.auth.MachineTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/** {@code bulwark-agent identity}: the machine's own keys. */
@Command(name = "identity", description = "The machine's identity (its keys).", subcommands = IdentityCommand.Rotate.class)
public final class IdentityCommand {

    /**
     * {@code identity rotate}: new keys, registered with a request signed by the current key over the new ones, so
     * the cloud accepts them from this machine and from nobody else. The current keys stay until the cloud agrees.
     */
    @Command(name = "rotate", description = "Replace this machine's keys; the request is signed by its current key.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() throws IOException {
            IdentityStore store = new IdentityStore(common.home());
            if (!store.isConnected()) {
                throw CliException.usage("NotConnected", "this machine is not connected: run 'bulwark-agent connect' first");
            }
            MachineIdentity identity = store.read();
            MachineKeys next = store.prepareRotation();
            String proof = MachineTokens.mint(identity.machineId(), store.signingKey(), MachineTokens.REGISTRATION,
                    MachineTokens.newKeysDigest(next.signing(), next.encryption()), Instant.now());
            try {
                new CloudRegistrar(CloudHttp.client(PinnedCa.inHome(store.home()), Duration.ofSeconds(10)),
                        new RegistrationCredential.MachineSignature(proof)).register(URI.create(identity.cloudUrl()),
                        identity.subscription(), identity.resourceGroup(), identity.machineName(), next, AgentVersion.VERSION).join();
            } catch (CompletionException | CloudRegistrar.RegistrationException e) {
                store.abortRotation();
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw CliException.failed("RotationRefused", cause.getMessage() + " (the current keys stay in force)");
            }
            store.commitRotation(next);
            common.out().println("Rotated the keys of " + identity.machineName() + ": signing key now "
                    + KeyFingerprint.of(next.signing()) + ". Restart 'bulwark-agent run' so it signs with the new key.");
            return ExitCodes.OK;
        }
    }
}

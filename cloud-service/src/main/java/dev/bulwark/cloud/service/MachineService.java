package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.repository.MachineRepository;
import dev.bulwark.cloud.repository.entity.MachineEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;

/** Registers machines (the agent's {@code connect}) and reads them back with their connection status. */
@ApplicationScoped
public class MachineService {
    @Inject
    MachineRepository machines;
    @Inject
    CloudConfig config;

    public record Registered(MachineEntity machine, boolean created) {
    }

    /** Registers a new machine or re-registers a known one (new keys, location or agent version); reports are kept. */
    public Uni<Registered> register(MachineAddress address, MachineRegistration registration) {
        return Panache.withTransaction(() -> machines.findById(address.resourceId()).chain(existing -> {
            MachineEntity machine = existing != null ? existing : newMachine(address);
            machine.location = registration.location();
            machine.signingKey = registration.signingKey();
            machine.encryptionKey = registration.encryptionKey();
            if (registration.agentVersion() != null) {
                machine.agentVersion = registration.agentVersion();
            }
            return machines.persist(machine).map(saved -> new Registered(saved, existing == null));
        }));
    }

    @WithSession
    public Uni<MachineEntity> get(MachineAddress address) {
        return require(address);
    }

    /** The machine, or 404 ResourceNotFound; runs in the caller's session. */
    public Uni<MachineEntity> require(MachineAddress address) {
        return machines.findById(address.resourceId()).onItem().ifNull().failWith(() -> ApiException.notFound(
                "Microsoft.HybridCompute/machines", address.machineName(), address.resourceGroup()));
    }

    public MachineStatus statusOf(MachineEntity machine) {
        return MachineStatus.of(machine, Instant.now(), config.disconnectedAfter());
    }

    private static MachineEntity newMachine(MachineAddress address) {
        MachineEntity machine = new MachineEntity();
        machine.resourceId = address.resourceId();
        machine.subscriptionId = address.subscriptionId();
        machine.resourceGroup = address.resourceGroup();
        machine.name = address.machineName();
        machine.registeredAt = Timestamps.now();
        return machine;
    }
}

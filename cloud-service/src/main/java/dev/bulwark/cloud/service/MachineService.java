package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.repository.MachineRepository;
import dev.bulwark.cloud.repository.MachineRepository.Registered;
import dev.bulwark.cloud.repository.MachineRepository.Registration;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.model.MachineIds;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;

/** Registers machines (the agent's {@code connect}, one or a fleet) and reads them back with their connection status. */
@ApplicationScoped
public class MachineService {
    @Inject
    MachineRepository machines;
    @Inject
    Pool pool;
    @Inject
    CloudConfig config;

    /** Registers a new machine or re-registers a known one (new keys, location or agent version); reports are kept. */
    public Uni<Registered> register(MachineAddress address, MachineRegistration registration) {
        return machines.register(pool, List.of(registration(address, registration, Timestamps.now())))
                .map(registered -> registered.get(0));
    }

    /** Registers machines of one resource group in one statement: a simulated fleet connects in bulk. */
    public Uni<List<Registered>> registerAll(String subscriptionId, String resourceGroup, List<MachineRegistration.Named> fleet) {
        Instant now = Timestamps.now();
        return machines.register(pool, fleet.stream().map(named -> registration(
                MachineAddress.of(subscriptionId, resourceGroup, named.name()), named.registration(), now)).toList());
    }

    public Uni<MachineRow> get(MachineAddress address) {
        return require(pool, address);
    }

    /** The machine, or 404 ResourceNotFound. */
    public Uni<MachineRow> require(SqlClient client, MachineAddress address) {
        return machines.find(client, address.resourceId()).onItem().ifNull().failWith(() -> ApiException.notFound(
                "Microsoft.HybridCompute/machines", address.machineName(), address.resourceGroup()));
    }

    public MachineStatus statusOf(MachineRow machine) {
        return MachineStatus.of(machine, Instant.now(), config.disconnectedAfter());
    }

    private static Registration registration(MachineAddress address, MachineRegistration registration, Instant at) {
        return new Registration(MachineIds.resourceId(address.subscriptionId(), address.resourceGroup(), address.machineName()),
                address.subscriptionId(), address.resourceGroup(), address.machineName(), registration.location(),
                registration.signingKey(), registration.encryptionKey(), registration.agentVersion(), registration.tags(), at);
    }
}

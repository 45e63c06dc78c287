package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.MachineRepository;
import dev.bulwark.cloud.repository.MachineRepository.Keys;
import dev.bulwark.cloud.repository.MachineRepository.Registered;
import dev.bulwark.cloud.repository.MachineRepository.Registration;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.RolloutRepository;
import dev.bulwark.cloud.repository.RolloutRepository.MachineOutcome;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.repository.row.MachineRow;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.Caller;
import dev.bulwark.cloud.security.Grant;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.model.crypto.Ed25519;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Registers machines (the agent's {@code connect}, one or a fleet) and reads them back with their connection
 * status. Who may register what: a new machine needs an onboarding credential (a principal allowed
 * {@code machines/write}, which the filter checked, or an onboarding secret, counted here); a known machine
 * with other keys is a take-over unless the request is signed by the machine's current key
 * ({@code bulwark-agent identity rotate}) or made by an administrator ({@code machines/rekey/action}). Every
 * re-key, allowed or refused, is in the activity log.
 */
@ApplicationScoped
public class MachineService {
    private static final Logger LOG = Logger.getLogger(MachineService.class);

    @Inject
    MachineRepository machines;
    @Inject
    ActivityEventRepository events;
    @Inject
    OnboardingSecrets onboardingSecrets;
    @Inject
    Pool pool;
    @Inject
    CloudConfig config;
    @Inject
    OperationRepository operations;
    @Inject
    RolloutRepository rollouts;

    /** One page of a machine list; {@code next} is null on the last page. */
    public record Page(List<MachineRow> machines, ResourceCursor next) {
    }

    /** Registers a new machine or re-registers a known one (location, agent version; new keys only with proof). */
    public Uni<Registered> register(MachineAddress address, MachineRegistration registration, Caller caller, String correlationId) {
        return registerChecked(address.subscriptionId(), address.resourceGroup(),
                List.of(registration(address, registration, Timestamps.now())), caller, correlationId)
                .map(registered -> registered.get(0));
    }

    /** Registers machines of one resource group in one statement: a simulated fleet connects in bulk. */
    public Uni<List<Registered>> registerAll(String subscriptionId, String resourceGroup, List<MachineRegistration.Named> fleet,
                                             Caller caller, String correlationId) {
        Instant now = Timestamps.now();
        return registerChecked(subscriptionId, resourceGroup, fleet.stream().map(named -> registration(MachineAddress.of(
                subscriptionId, resourceGroup, named.name()), named.registration(), now)).toList(), caller, correlationId);
    }

    private Uni<List<Registered>> registerChecked(String subscriptionId, String resourceGroup, List<Registration> registrations,
                                                  Caller caller, String correlationId) {
        Instant now = Timestamps.now();
        List<ActivityEventRow> refusals = new ArrayList<>();
        return pool.withTransaction(tx -> machines.lockKeys(tx, registrations.stream().map(Registration::resourceId).toList())
                        .chain(known -> {
                            List<Registration> rekeyed = registrations.stream().filter(r -> known.containsKey(r.resourceId())
                                    && !sameKeys(known.get(r.resourceId()), r)).toList();
                            List<Registration> refused = rekeyed.stream().filter(r -> !mayRekey(caller, r, known.get(r.resourceId()), now)).toList();
                            if (!refused.isEmpty()) {
                                refused.forEach(r -> refusals.add(rekeyEvent(r, caller, correlationId, false, now)));
                                throw new ApiException(ArmErrorCode.AuthorizationFailed, "Machine '" + refused.get(0).name() + "'"
                                        + (refused.size() > 1 ? " and " + (refused.size() - 1) + " more are" : " is")
                                        + " registered with other keys. Re-registering with new keys needs the machine's current key"
                                        + " (bulwark-agent identity rotate) or an administrator (Owner, Contributor or Azure Connected"
                                        + " Machine Resource Administrator). Nothing was changed.");
                            }
                            int created = (int) registrations.stream().filter(r -> !known.containsKey(r.resourceId())).count();
                            Uni<Void> credential = caller instanceof Caller.Activation activation
                                    ? onboardingSecrets.consume(tx, activation.activationId(), activation.code(),
                                            subscriptionId, resourceGroup, created, now)
                                    : Uni.createFrom().voidItem();
                            return credential.chain(() -> machines.register(tx, registrations))
                                    .call(() -> events.insert(tx, rekeyed.stream()
                                            .map(r -> rekeyEvent(r, caller, correlationId, true, now)).toList()));
                        }))
                .onFailure().call(() -> refusals.isEmpty() ? Uni.createFrom().voidItem() : events.insert(pool, refusals));
    }

    /** Re-keying is allowed to the machine itself (its current key signs the new keys) and to administrators. */
    private static boolean mayRekey(Caller caller, Registration registration, Keys current, Instant now) {
        if (caller instanceof Caller.Principal principal) {
            return principal.authorize(ArmActions.MACHINES_REKEY, registration.resourceId()).isPresent();
        }
        if (caller instanceof Caller.Machine machine) {
            try {
                MachineTokens.Verified proof = MachineTokens.verify(machine.token(), MachineTokens.REGISTRATION,
                        subject -> subject.equals(registration.resourceId()) ? Ed25519.decodePublic(current.signing()) : null, now);
                return MachineTokens.newKeysDigest(registration.signingKey(), registration.encryptionKey()).equals(proof.newKeys());
            } catch (MachineTokens.InvalidMachineToken e) {
                LOG.infof("Re-key of %s refused: %s", registration.resourceId(), e.getMessage());
                return false;
            }
        }
        return false; // an onboarding secret creates machines, it never re-keys one
    }

    private static ActivityEventRow rekeyEvent(Registration r, Caller caller, String correlationId, boolean allowed, Instant at) {
        String by = caller instanceof Caller.Machine ? "the machine's current key" : caller.name();
        var subject = new ActivityEvents.Subject(r.subscriptionId(), r.resourceGroup(), r.resourceId(), correlationId,
                UUID.randomUUID(), ArmOperation.MACHINE_WRITE.value(), caller.name(),
                caller instanceof Caller.Principal principal ? Grant.toJson(principal.authorize(ArmActions.MACHINES_REKEY,
                        r.resourceId()).orElse(null)) : null);
        return ActivityEvents.outcome(subject, allowed, allowed ? null : "AuthorizationFailed", allowed
                ? "Machine '" + r.name() + "' re-registered with new keys, proven by " + by + "."
                : "Machine '" + r.name() + "' re-registration with other keys refused: no proof by its current key and no administrator role ("
                + by + ").", at);
    }

    private static boolean sameKeys(Keys known, Registration registration) {
        return known.signing().equals(registration.signingKey()) && known.encryption().equals(registration.encryptionKey());
    }

    public Uni<MachineRow> get(MachineAddress address) {
        return require(pool, address);
    }

    /** The machine, or 404 ResourceNotFound. */
    public Uni<MachineRow> require(SqlClient client, MachineAddress address) {
        return machines.find(client, address.resourceId()).onItem().ifNull().failWith(() -> notFound(address));
    }

    /**
     * A page of the subscription's machines, or of one resource group's ({@code resourceGroup} not null), limited to
     * {@code readable} (null: all). One row more than asked tells whether another page exists without a count.
     */
    public Uni<Page> page(String subscriptionId, String resourceGroup, ReadableMachines readable, ResourceCursor after,
                          int size) {
        return machines.page(subscriptionId, resourceGroup, readable, after, size + 1).map(found -> {
            if (found.size() <= size) {
                return new Page(found, null);
            }
            List<MachineRow> page = found.subList(0, size);
            MachineRow last = page.get(size - 1);
            return new Page(page, ResourceCursor.of(last.resourceGroup().toLowerCase(Locale.ROOT), last.resourceId()));
        });
    }

    /**
     * PATCH: replaces the machine's tags (ARM's MachineUpdate; nothing else of a machine is changed by its owner),
     * logged as a machines/write; {@code tags} null changes nothing. 404 when the machine is unknown.
     */
    public Uni<MachineRow> updateTags(MachineAddress address, String tags, Requester requester) {
        if (tags == null) {
            return get(address);
        }
        Instant now = Timestamps.now();
        return pool.withTransaction(tx -> machines.replaceTags(tx, address.resourceId(), tags)
                .onItem().ifNull().failWith(() -> notFound(address))
                .call(machine -> events.insert(tx, requestEvents(address, ArmOperation.MACHINE_WRITE, requester, now,
                        "Machine '" + address.machineName() + "' tags replaced."))));
    }

    /**
     * DELETE: deregisters the machine. Its row goes and with it its extensions and guest assignments (the cloud's
     * records; nothing is removed from the machine itself, as on Azure Arc); its operations still in progress end
     * Failed with {@link OperationStatus#MACHINE_DELETED}, each with its outcome event, so their pollers finish; a
     * result or report the machine sends later is dead-lettered as UnknownMachine, its key being gone. The name may
     * register again, with new keys, as a new machine.
     *
     * @return false when there was no such machine (ARM answers 204 then)
     */
    public Uni<Boolean> delete(MachineAddress address, Requester requester) {
        Instant now = Timestamps.now();
        String message = "Machine '" + address.machineName() + "' was deleted (deregistered) while this operation was in progress.";
        return pool.withTransaction(tx -> machines.findForUpdate(tx, address.resourceId()).chain(machine -> {
            if (machine == null) {
                return Uni.createFrom().item(false);
            }
            return operations.failInProgress(tx, machine.resourceId(), OperationStatus.MACHINE_DELETED, message, now)
                    .chain(failed -> {
                        List<ActivityEventRow> logged = new ArrayList<>();
                        failed.forEach(op -> logged.add(ActivityEvents.outcome(op, false, OperationStatus.MACHINE_DELETED, message, now)));
                        logged.addAll(requestEvents(address, ArmOperation.MACHINE_DELETE, requester, now, "Machine '"
                                + address.machineName() + "' deleted with its " + failed.size() + " operation(s) in progress."));
                        // A rollout counts the machine as failed, so its stage can end.
                        List<MachineOutcome> rolloutOutcomes = failed.stream().filter(op -> op.rolloutId() != null)
                                .map(op -> MachineOutcome.of(op.operationId(), false, null, OperationStatus.MACHINE_DELETED, null))
                                .toList();
                        return events.insert(tx, logged).chain(() -> rollouts.recordOutcomes(tx, rolloutOutcomes));
                    })
                    .chain(() -> machines.delete(tx, machine.resourceId()))
                    .replaceWith(true);
        }));
    }

    /** The Started and Succeeded events of a machine write or delete that completes within its request. */
    private static List<ActivityEventRow> requestEvents(MachineAddress address, ArmOperation operation, Requester requester,
                                                        Instant at, String message) {
        var subject = new ActivityEvents.Subject(address.subscriptionId(), address.resourceGroup(), address.resourceId(),
                requester.correlationId(), UUID.randomUUID(), operation.value(), requester.caller(),
                Grant.toJson(requester.authorization()));
        return List.of(ActivityEvents.started(subject, "OK", at, message), ActivityEvents.outcome(subject, true, null, message, at));
    }

    private static ApiException notFound(MachineAddress address) {
        return ApiException.notFound("Microsoft.HybridCompute/machines", address.machineName(), address.resourceGroup());
    }

    public MachineStatus statusOf(MachineRow machine) {
        return MachineStatus.of(machine, Instant.now(), config.disconnectedAfter());
    }

    /** The signing keys of registered machines, by resource id (storage requests are signed with them). */
    public Uni<Map<String, String>> signingKeys(List<String> machineIds) {
        return machines.signingKeys(machineIds);
    }

    private static Registration registration(MachineAddress address, MachineRegistration registration, Instant at) {
        return new Registration(MachineIds.resourceId(address.subscriptionId(), address.resourceGroup(), address.machineName()),
                address.subscriptionId(), address.resourceGroup(), address.machineName(), registration.location(),
                registration.signingKey(), registration.encryptionKey(), registration.agentVersion(), registration.tags(), at);
    }
}

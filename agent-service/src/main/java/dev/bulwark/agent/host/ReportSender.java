package dev.bulwark.agent.host;

import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.extension.ExtensionHosting;
import dev.bulwark.agent.extension.MachineState;
import dev.bulwark.agent.files.FileSignature;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.InstalledExtension;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.MessageSigner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Writes {@value Topics#AGENT_REPORTS}: each machine reports at start, after a local change (a new
 * localconfig.json, or state.json changed by someone else, such as {@code extension remove}) and every
 * sync interval. At the same moments its guest assignments are evaluated again, and those whose result
 * changed are reported to {@value Topics#GUEST_COMPLIANCE} (so {@code config set guestconfiguration.enabled
 * false} shows within one check). Runs on the sync thread; a change is noticed by one {@code stat} per file
 * per check.
 */
final class ReportSender {
    private static final System.Logger LOG = System.getLogger(ReportSender.class.getName());

    private final Producer<byte[], byte[]> producer;
    private final Duration syncInterval;
    private final Clock clock;
    private final HostStats stats;
    private final GuestAssignmentHandler guest;

    ReportSender(Producer<byte[], byte[]> producer, Duration syncInterval, Clock clock, HostStats stats,
                 GuestAssignmentHandler guest) {
        this.producer = producer;
        this.syncInterval = syncInterval;
        this.clock = clock;
        this.stats = stats;
        this.guest = guest;
    }

    void check(Collection<Machine> machines) {
        for (Machine machine : machines) {
            try {
                checkOne(machine);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot report " + machine.machineId() + ": " + e, e);
            }
        }
    }

    private void checkOne(Machine machine) {
        long now = System.nanoTime();
        FileSignature config = machine.config().signature();
        FileSignature state = machine.state().signature();
        boolean configChanged = !config.sameAs(machine.reportedConfig);
        boolean stateChangedElsewhere = machine.knownState != null && !state.sameAs(machine.knownState)
                && !state.sameAs(machine.state().lastWritten());
        boolean due = now - machine.nextReportNanos >= 0 || machine.reportedConfig == null;
        if (configChanged || stateChangedElsewhere || due) {
            machine.reportedConfig = send(machine);
            machine.nextReportNanos = now + syncInterval.toNanos();
            recheckGuestAssignments(machine, false);
        } else if (machine.guestReportLost) {
            recheckGuestAssignments(machine, true);
        }
        machine.knownState = state;
    }

    private void recheckGuestAssignments(Machine machine, boolean all) {
        machine.guestReportLost = false;
        try {
            for (ProducerRecord<byte[], byte[]> report : guest.recheck(machine, all)) {
                producer.send(report, (metadata, error) -> {
                    if (error != null) {
                        // Recorded as reported already: send every result again at the next check.
                        machine.guestReportLost = true;
                        LOG.log(System.Logger.Level.WARNING, "guest compliance of " + machine.machineId() + " not sent: " + error);
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot evaluate the guest assignments of " + machine.machineId() + ": " + e);
        }
    }

    /** Sends the machine's report; returns the signature of the configuration file it reports. */
    private FileSignature send(Machine machine) {
        LocalConfigStore.Snapshot snapshot = machine.config().snapshot();
        LocalConfig config = snapshot.config();
        List<InstalledExtension> extensions;
        try {
            MachineState state = machine.state().read();
            boolean managerEnabled = config.rules().extensionsEnabled();
            extensions = state.extensions().values().stream()
                    .map(e -> new InstalledExtension(e.name(), e.publisher(), e.type(), e.version(),
                            ExtensionHosting.state(e, managerEnabled)))
                    .toList();
        } catch (IOException e) {
            extensions = List.of();
        }
        AgentReport report = MessageSigner.sign(new AgentReport(AgentReport.SCHEMA_VERSION, machine.machineId(),
                AgentVersion.VERSION, config.effective(snapshot.changedAt()), extensions, clock.instant(), null), machine.signingKey());
        producer.send(new ProducerRecord<>(Topics.AGENT_REPORTS, machine.machineId().getBytes(StandardCharsets.UTF_8),
                Json.encode(report)), (metadata, error) -> {
            if (error == null) {
                stats.reportsSent.increment();
            } else {
                LOG.log(System.Logger.Level.WARNING, "report of " + machine.machineId() + " not sent: " + error);
            }
        });
        return snapshot.signature();
    }
}

package dev.bulwark.agent.host;

import dev.bulwark.agent.testing.FleetHarness;
import dev.bulwark.agent.testing.HostProcess;
import dev.bulwark.agent.testing.SharedKafka;
import dev.bulwark.agent.testing.TopicReader;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.Topics;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet's agent host killed with SIGKILL while a batch is in flight (handlers running, offsets not committed) and
 * started again on its home: the batch is read again and every operation answered, then a new one, within seconds.
 * A host in a consumer group would wait for the dead member's session to time out first (45 s by default): hosts
 * assign their partitions by hand ({@link ConsumedPartitions}), and this test fails if that wait comes back.
 */
class HostRestartKafkaTest {
    private static final String AZURE_MONITOR = "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent";
    private static final int MACHINES = 12;
    private static final Duration HANDLER = Duration.ofSeconds(2);

    @Test
    void aHostKilledMidBatchAndStartedAgainAnswersWithinSeconds() throws Exception {
        try (FleetHarness fleet = FleetHarness.connect("restart", MACHINES);
             TopicReader results = new TopicReader(SharedKafka.broker(), Topics.EXTENSION_RESULTS)) {
            Path logs = Files.createTempDirectory("bulwark-host-restart");
            Process first = HostProcess.start(SharedKafka.broker(), fleet.home, HANDLER, logs.resolve("first.log"));
            Process second = null;
            try {
                awaitReady(logs.resolve("first.log"), first);
                List<String> batch = new ArrayList<>();
                for (int i = 1; i <= MACHINES; i++) {
                    batch.add(fleet.send(fleet.cloud.operation(String.format("restart-%04d", i), OperationKind.INSTALL, AZURE_MONITOR)));
                }
                Thread.sleep(HANDLER.toMillis() / 2); // read and running, not finished
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                int answeredBeforeTheKill = answered(results, batch).size();

                long restart = System.nanoTime();
                second = HostProcess.start(SharedKafka.broker(), fleet.home, HANDLER, logs.resolve("second.log"));
                awaitReady(logs.resolve("second.log"), second);
                ExtensionOperation after = fleet.cloud.operation("restart-0001", OperationKind.DELETE, AZURE_MONITOR);
                fleet.send(after);
                await().atMost(Duration.ofSeconds(60)).until(() -> answered(results, batch).size() == MACHINES);
                double batchSeconds = (System.nanoTime() - restart) / 1e9;
                await().atMost(Duration.ofSeconds(60)).until(() -> !answered(results, List.of(after.operationId())).isEmpty());
                double afterSeconds = (System.nanoTime() - restart) / 1e9;
                System.out.printf("host restart: %d of %d answered before the kill; after the restart the batch was answered"
                        + " in %.1f s, a new operation in %.1f s%n", answeredBeforeTheKill, MACHINES, batchSeconds, afterSeconds);
                // Start-up, the batch again (one handler run) and the new operation (another): seconds, not 45.
                assertThat(afterSeconds).as("seconds from the restart to the new operation's result").isLessThan(30);
            } finally {
                first.destroyForcibly();
                if (second != null) {
                    second.destroyForcibly();
                }
            }
        }
    }

    private static void awaitReady(Path log, Process host) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains(HostProcess.READY) || !host.isAlive());
        assertThat(host.isAlive()).as("the host is running; its output:%n%s", read(log)).isTrue();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** The operations of {@code operationIds} with a result published. */
    private static Set<String> answered(TopicReader results, List<String> operationIds) {
        Set<String> answered = new HashSet<>();
        results.records().forEach(r -> {
            String id = Json.tree(r.value()).path("operationId").asText();
            if (operationIds.contains(id)) {
                answered.add(id);
            }
        });
        return answered;
    }
}

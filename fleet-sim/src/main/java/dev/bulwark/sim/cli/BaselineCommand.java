package dev.bulwark.sim.cli;

import dev.bulwark.infra.KafkaUser;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.baseline.Baseline;
import dev.bulwark.sim.load.RecordSizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sim baseline}: the raw Kafka + PostgreSQL pipeline, with no Bulwark logic, on the running system's servers. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Push N operation-sized records through Kafka and back, and 2N activity rows into PostgreSQL,"
                + " with Bulwark's batching but none of its logic: the floor load tests compare against.")
public final class BaselineCommand implements Callable<Integer> {
    @Option(names = "--records", description = "Operations to push (default: the fleet's machines).")
    Integer records;

    @Option(names = "--operation-bytes", description = "Size of one operation record (default: the average of those on"
            + " the running system's operations topic).")
    Integer operationBytes;

    @Option(names = "--result-bytes", description = "Size of one result record (default: as measured on its results topic).")
    Integer resultBytes;

    @Option(names = "--partitions", description = "Partitions of the baseline's topics (default ${DEFAULT-VALUE}).")
    int partitions = 16;

    @Option(names = "--env", description = "The running system's addresses (default: .bulwark/up.env).")
    Path env = Path.of(".bulwark/up.env");

    @Override
    public Integer call() throws Exception {
        UpEnv up = UpEnv.read(env);
        int count = records != null ? records : Integer.parseInt(up.require(UpEnv.MACHINES));
        RecordSizes sizes = operationBytes != null && resultBytes != null ? new RecordSizes(operationBytes, resultBytes)
                : RecordSizes.sample(up.require(UpEnv.KAFKA), up.kafkaClientProperties(KafkaUser.OBSERVER));
        // The baseline creates and deletes its own topics and groups: the admin's work.
        Baseline.Result result = Baseline.run(new Baseline.Settings(up.require(UpEnv.KAFKA),
                up.kafkaClientProperties(KafkaUser.ADMIN), up.require(UpEnv.DB_URL),
                up.require(UpEnv.DB_USER), up.require(UpEnv.DB_PASSWORD), count, sizes.operationBytes(), sizes.resultBytes(),
                partitions));
        System.out.printf("Baseline: %d records through Kafka and back, %d activity rows: %.2f s (%.0f records/s)%n",
                result.records(), 2 * result.records(), result.seconds(), result.recordsPerSecond());
        return 0;
    }
}

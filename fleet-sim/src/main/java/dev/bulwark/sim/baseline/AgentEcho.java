package dev.bulwark.sim.baseline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Stage 2, the agents with nothing to decide: a result for each operation, under the same key.
 * Offsets are committed once the batch's results are acknowledged, as the agent host does. Returns how
 * many operations it answered.
 */
final class AgentEcho implements Callable<Integer> {

    private final Baseline.Settings settings;
    private final BaselineNames names;
    private final CountDownLatch consumersReady;

    AgentEcho(Baseline.Settings settings, BaselineNames names, CountDownLatch consumersReady) {
        this.settings = settings;
        this.names = names;
        this.consumersReady = consumersReady;
    }

    @Override
    public Integer call() throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                ClientSettings.consumer(settings, names.agentGroup(), ClientSettings.AGENT_MAX_POLL_RECORDS));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ClientSettings.agentProducer(settings))) {
            producer.partitionsFor(names.resultsTopic());
            consumer.subscribe(List.of(names.operationsTopic()), new ReadyOnAssignment(consumersReady));
            Stall stall = new Stall("agent", settings.records());
            int answered = 0;
            while (answered < settings.records()) {
                ConsumerRecords<byte[], byte[]> operations = consumer.poll(Duration.ofMillis(100));
                stall.check(operations.count(), answered, consumer);
                if (operations.isEmpty()) {
                    continue;
                }
                List<Future<RecordMetadata>> sent = new ArrayList<>(operations.count());
                for (ConsumerRecord<byte[], byte[]> operation : operations) {
                    byte[] result = Payloads.value(Payloads.operationId(operation.value()), settings.resultBytes());
                    sent.add(producer.send(new ProducerRecord<>(names.resultsTopic(), operation.key(), result)));
                }
                for (Future<RecordMetadata> acknowledged : sent) {
                    acknowledged.get();
                }
                consumer.commitSync();
                answered += operations.count();
            }
            return answered;
        }
    }
}

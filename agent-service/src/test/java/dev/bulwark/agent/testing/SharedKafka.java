package dev.bulwark.agent.testing;

import dev.bulwark.infra.KafkaBroker;
import dev.bulwark.model.Topics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One real Kafka broker for every host test of this JVM, started on first use with every Bulwark topic and
 * dead-letter topic, stopped when the JVM exits (the broker also stops when its parent dies). Test classes
 * use machine names of their own, so each one's agent ignores the others' records like a real agent does.
 */
public final class SharedKafka {
    private static KafkaBroker broker;

    private SharedKafka() {
    }

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            KafkaBroker started = KafkaBroker.startFresh(Path.of("target/kafka/agent-tests"));
            List<String> topics = new ArrayList<>(List.of(Topics.ALL));
            for (String topic : Topics.ALL) {
                topics.add(Topics.deadLetter(topic));
            }
            started.createTopics(3, topics.toArray(String[]::new));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "kafka-test-broker-stop"));
            broker = started;
        }
        return broker;
    }
}

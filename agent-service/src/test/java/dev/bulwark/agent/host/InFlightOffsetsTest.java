package dev.bulwark.agent.host;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightOffsetsTest {
    private static final TopicPartition PARTITION = new TopicPartition("t", 0);

    @Test
    void theCommitStopsAtTheFirstUnfinishedRecordAndMovesOnOnceItFinishes() {
        InFlightOffsets offsets = new InFlightOffsets();
        offsets.read(record(10));
        offsets.skipped(record(11));
        offsets.read(record(12));
        offsets.finished(record(12));
        assertThat(offsets.committable()).isEqualTo(Map.of(PARTITION, new OffsetAndMetadata(10)));
        assertThat(offsets.committable()).as("nothing moved").isEmpty();
        assertThat(offsets.unfinished()).isEqualTo(1);

        offsets.finished(record(10));
        assertThat(offsets.committable()).isEqualTo(Map.of(PARTITION, new OffsetAndMetadata(13)));
        assertThat(offsets.unfinished()).isZero();
        offsets.commitFailed();
        assertThat(offsets.committable()).as("after a failed commit").isEqualTo(Map.of(PARTITION, new OffsetAndMetadata(13)));
    }

    /** Whatever order records finish in, the committed offset is never past an unfinished record, and reaches the end. */
    @RepeatedTest(50)
    void anyOrderOfFinishingCommitsOnlyWhatIsFinished() {
        Random random = new Random();
        InFlightOffsets offsets = new InFlightOffsets();
        List<Long> read = new ArrayList<>();
        for (long offset = 0; offset < 200; offset++) {
            if (random.nextInt(4) == 0) {
                offsets.skipped(record(offset));
            } else {
                offsets.read(record(offset));
                read.add(offset);
            }
        }
        Collections.shuffle(read, random);
        TreeSet<Long> unfinished = new TreeSet<>(read);
        long committed = -1;
        for (long offset : read) {
            offsets.finished(record(offset));
            unfinished.remove(offset);
            OffsetAndMetadata commit = offsets.committable().get(PARTITION);
            if (commit != null) {
                assertThat(commit.offset()).as("moves forward").isGreaterThan(committed);
                committed = commit.offset();
            }
            assertThat(committed).isLessThanOrEqualTo(unfinished.isEmpty() ? 200 : unfinished.first());
        }
        assertThat(committed).isEqualTo(200);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, null, null);
    }
}

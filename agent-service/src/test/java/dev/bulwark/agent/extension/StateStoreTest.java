package dev.bulwark.agent.extension;

import dev.bulwark.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** state.json: the state read before deciding is reused for the write only while nobody else changed the file. */
class StateStoreTest {
    private static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path home;

    @Test
    void aChangeMadeByAnotherWriterAfterTheSnapshotIsKept() throws Exception {
        StateStore agent = new StateStore(home, false);
        agent.update(state -> state.withInstalled(record("First")));
        Files.setLastModifiedTime(agent.file(), FileTime.from(LONG_AGO)); // settled: the snapshot may be reused
        StateStore.Snapshot snapshot = agent.snapshot();
        assertThat(snapshot.signature()).isNotNull();

        new StateStore(home, false).update(state -> state.withInstalled(record("ByTheCli"))); // e.g. another process
        MachineState written = agent.update(snapshot, state -> state.withInstalled(record("Second")));

        assertThat(written.extensions()).containsOnlyKeys("First", "ByTheCli", "Second");
        assertThat(agent.read().extensions()).containsOnlyKeys("First", "ByTheCli", "Second");
    }

    @Test
    void anUnchangedFileIsNotReadAgainForTheWrite() throws Exception {
        StateStore agent = new StateStore(home, false);
        agent.update(state -> state.withInstalled(record("First")));
        Files.setLastModifiedTime(agent.file(), FileTime.from(LONG_AGO));
        StateStore.Snapshot snapshot = agent.snapshot();
        // Edited in place with the same inode, size and time (every writer of Bulwark replaces the file, so its
        // inode changes): the write builds on the snapshot, proof that the file was not parsed again.
        byte[] bytes = Files.readAllBytes(agent.file());
        String edited = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replace("\"First\"", "\"Fixst\"");
        Files.writeString(agent.file(), edited);
        Files.setLastModifiedTime(agent.file(), FileTime.from(LONG_AGO));

        MachineState written = agent.update(snapshot, state -> state.withInstalled(record("Second")));

        assertThat(written.extensions()).containsOnlyKeys("First", "Second");
    }

    @Test
    void aFileChangedTooRecentlyIsReadAgain() throws Exception {
        StateStore agent = new StateStore(home, false);
        agent.update(state -> state.withInstalled(record("First")));

        StateStore.Snapshot snapshot = agent.snapshot();

        assertThat(snapshot.signature()).as("written a moment ago: an equal signature proves nothing yet").isNull();
        assertThat(snapshot.state().extensions()).containsOnlyKeys("First");
    }

    @Test
    void aPrettyPrintedFileOfAnOlderAgentIsStillRead() throws Exception {
        StateStore agent = new StateStore(home, false);
        MachineState older = MachineState.EMPTY.withInstalled(record("Old"))
                .withResult("op-1", Json.MAPPER.createObjectNode().put("operationId", "op-1").put("status", "Succeeded"));
        Files.write(agent.file(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(older));

        MachineState read = agent.read();

        assertThat(read.extensions()).containsOnlyKeys("Old");
        assertThat(read.results().get("op-1").path("status").asText()).isEqualTo("Succeeded");
    }

    @Test
    void theHighestSequenceRunIsWrittenWithTheResultAndNeverGoesDown() throws Exception {
        StateStore agent = new StateStore(home, false);
        agent.update(state -> state.withResult("op-7", Json.MAPPER.createObjectNode()).withSequenceRun(7));
        agent.update(state -> state.withSequenceRun(5));

        MachineState reread = new StateStore(home, false).read(); // as a restarted agent reads it

        assertThat(reread.highestSequence()).isEqualTo(7);
        assertThat(reread.results()).containsKey("op-7");
        assertThat(reread.withoutAll().highestSequence()).as("extension remove --all keeps it").isEqualTo(7);
    }

    @Test
    void aFileOfAnAgentWithoutSequencesHasRunNothingYet() throws Exception {
        StateStore agent = new StateStore(home, false);
        Files.writeString(agent.file(), "{\"extensions\":{},\"results\":{}}");

        assertThat(agent.read().highestSequence()).isZero();
    }

    private static InstalledRecord record(String name) {
        return new InstalledRecord(name, "Contoso", name, "1.0", 0, false, LONG_AGO);
    }
}

package dev.bulwark.agent.extension;

import dev.bulwark.agent.files.FileLocks;
import dev.bulwark.agent.files.FileSignature;
import dev.bulwark.model.Json;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * {@code <home>/state.json}. Both the agent process and the CLI ({@code extension remove}) change it, so
 * every change is a locked read-modify-write with an atomic write. Nothing is kept in memory: a machine
 * of a 100,000-machine fleet costs no heap for its state between operations.
 */
public final class StateStore {
    public static final String FILE_NAME = "state.json";
    private static final String LOCK_NAME = ".state.lock";

    private final Path file;
    private final boolean durable;
    /** The file's signature right after this process last wrote it: a different one means someone else changed it. */
    private volatile FileSignature lastWritten;

    public StateStore(Path home, boolean durable) {
        this.file = home.resolve(FILE_NAME);
        this.durable = durable;
    }

    public Path file() {
        return file;
    }

    public FileSignature signature() {
        return FileSignature.of(file);
    }

    public FileSignature lastWritten() {
        return lastWritten;
    }

    /**
     * The state and the file's signature from just before it was read, when its last change is old enough
     * for an equal signature to mean equal content (else the signature is null).
     */
    public record Snapshot(MachineState state, FileSignature signature) {
    }

    /**
     * Reads the state with its signature, so that {@link #update(Snapshot, UnaryOperator)} may skip reading it
     * again. The signature is taken before the read: a change during the read makes the file's signature
     * differ from it later, so the write then reads the file again.
     */
    public Snapshot snapshot() throws IOException {
        FileSignature before = FileSignature.of(file);
        MachineState state = read();
        return new Snapshot(state, before.settled() ? before : null);
    }

    public MachineState read() throws IOException {
        byte[] bytes = PrivateFiles.readIfExists(file);
        if (bytes == null) {
            return MachineState.EMPTY;
        }
        try {
            return Json.MAPPER.readValue(bytes, MachineState.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not valid: " + e.getOriginalMessage(), e);
        }
    }

    /** Applies {@code change} under the lock and writes the result atomically. */
    public MachineState update(UnaryOperator<MachineState> change) throws IOException {
        return update(null, change);
    }

    /**
     * Applies {@code change} under the lock to the state the file holds and writes the result atomically. When
     * the file still has {@code basis}'s signature, {@code basis} is that state and the file is not parsed a
     * second time (the agent reads it once per operation before deciding, and once more here); when anyone
     * changed it since, it is read again.
     */
    public MachineState update(Snapshot basis, UnaryOperator<MachineState> change) throws IOException {
        return FileLocks.withLock(file.resolveSibling(LOCK_NAME), () -> {
            boolean unchanged = basis != null && basis.signature() != null && basis.signature().sameAs(FileSignature.of(file));
            MachineState next = change.apply(unchanged ? basis.state() : read());
            // Compact: every operation rewrites the file (with its last results), and readers take any JSON.
            PrivateFiles.write(file, Json.MAPPER.writeValueAsBytes(next), durable);
            lastWritten = FileSignature.of(file);
            return next;
        });
    }
}

package dev.bulwark.agent.extension;

import dev.bulwark.agent.files.FileLocks;
import dev.bulwark.agent.files.FileSignature;
import dev.bulwark.agent.files.SecureFiles;
import dev.bulwark.model.Json;

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

    public MachineState read() throws IOException {
        byte[] bytes = SecureFiles.readIfExists(file);
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
        return FileLocks.withLock(file.resolveSibling(LOCK_NAME), () -> {
            MachineState next = change.apply(read());
            SecureFiles.writeAtomically(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(next), durable);
            lastWritten = FileSignature.of(file);
            return next;
        });
    }
}

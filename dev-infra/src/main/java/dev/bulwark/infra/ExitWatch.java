package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Stops a server when this JVM dies, however it dies (even {@code kill -9}, or a shutdown hook that
 * fails because its class loader is gone). A small shell process waits for end of file on its
 * standard input, whose other end only this JVM holds, then sends the server SIGINT (PostgreSQL's
 * "fast" shutdown). A normal {@link #close()} disarms it.
 */
final class ExitWatch implements AutoCloseable {

    private final Process watcher;

    private ExitWatch(Process watcher) {
        this.watcher = watcher;
    }

    static ExitWatch interruptOnExit(long serverPid) {
        try {
            Process watcher = new ProcessBuilder("sh", "-c", "cat > /dev/null; kill -INT \"$0\" 2>/dev/null",
                    String.valueOf(serverPid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new ExitWatch(watcher);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the exit watch of process " + serverPid, e);
        }
    }

    /** Disarms the watch: the shell dies first, then its {@code cat} sees end of file and exits too. */
    @Override
    public void close() {
        watcher.destroy();
        try {
            watcher.waitFor(5, TimeUnit.SECONDS);
            watcher.getOutputStream().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // Already closed.
        }
    }
}

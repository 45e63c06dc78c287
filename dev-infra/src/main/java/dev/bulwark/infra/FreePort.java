package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface, so several brokers and databases can run side by side. */
final class FreePort {

    private FreePort() {
    }

    /**
     * A port that was free a moment ago. Another process could take it before the server binds it;
     * on a developer machine or CI that race is rare enough, and the server then fails with a clear error.
     */
    static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on the loopback interface", e);
        }
    }
}

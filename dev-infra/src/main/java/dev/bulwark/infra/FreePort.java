package dev.bulwark.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    /**
     * {@code previous} if it is a port and free on the loopback interface now, else {@link #find()}: a server
     * started again on its data keeps its address when it can, so clients configured with it reconnect by themselves.
     */
    static int reuseOrFind(int previous) {
        return previous > 0 && previous < 65536 && isFree(previous) ? previous : find();
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // As servers bind (SO_REUSEADDR): connections of a killed server left in TIME_WAIT do not hold the port.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

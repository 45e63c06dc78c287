package dev.bulwark.agent.pkg;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.bulwark.infra.LocalPki;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage for the tests (the JDK's HTTP server): serves catalogs and packages, or misbehaves on purpose
 * (too many bytes, stalls, trickles, errors). Counts requests per path. Plain http, or https with a
 * certificate of a given CA.
 */
final class PackageServer implements AutoCloseable {

    @FunctionalInterface
    interface Behaviour {
        void respond(HttpExchange exchange, int attempt) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Behaviour> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final java.util.Queue<String> authorizations = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<String> requestUris = new CopyOnWriteArrayList<>();
    /** Released at close, so stalled handlers end. */
    final CountDownLatch released = new CountDownLatch(1);

    PackageServer() throws IOException {
        this(null);
    }

    /** @param tls whose server certificate to serve https with; null: plain http */
    PackageServer(LocalPki tls) throws IOException {
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.serverSslContext()));
            server = https;
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    URI url(String path) {
        return URI.create((server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    URI serve(String path, byte[] body) {
        return on(path, (exchange, attempt) -> send(exchange, 200, body));
    }

    URI on(String path, Behaviour behaviour) {
        routes.put(path, behaviour);
        return url(path);
    }

    /** The {@code Authorization} header of every request so far ("null" when absent). */
    java.util.List<String> authorizations() {
        return java.util.List.copyOf(authorizations);
    }

    int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    List<String> requestUris() {
        return requestUris;
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requestUris.add(exchange.getRequestURI().toString());
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        int attempt = requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Behaviour behaviour = routes.get(path);
        try {
            if (behaviour == null) {
                send(exchange, 404, new byte[0]);
            } else {
                behaviour.respond(exchange, attempt);
            }
        } catch (Exception e) {
            // The client hung up on a misbehaving response: expected in these tests.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}

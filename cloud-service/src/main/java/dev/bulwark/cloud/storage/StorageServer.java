package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.config.StorageConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * The storage account's own HTTP endpoint ({@code bulwark.storage.host}:{@code port}), apart from the
 * management API, as in Arc where packages come from a storage account and not from the API. Serves stored
 * objects at {@code /<object name>} and nothing else.
 */
@ApplicationScoped
public class StorageServer {
    private static final Logger LOG = Logger.getLogger(StorageServer.class);
    /** Started before anything that hands out storage URLs (the catalog renewer, the API). */
    static final int STARTUP_PRIORITY = 10;

    @Inject
    Vertx vertx;
    @Inject
    StorageConfig config;
    @Inject
    StorageRequestHandler handler;

    private volatile HttpServer server;
    private volatile URI url;

    void start(@Observes @Priority(STARTUP_PRIORITY) StartupEvent started) throws Exception {
        HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                .requestHandler(request -> handler.serve(request, request.path().substring(1)));
        server = http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        url = config.publicUrl().map(StorageServer::withoutTrailingSlash).orElseGet(() -> URI.create("http://"
                + displayHost(config.host()) + ":" + server.actualPort()));
        LOG.infof("Package storage %s served at %s (listening on %s:%d)", config.dir(), url, config.host(), server.actualPort());
    }

    /** The URL agents download from: {@code bulwark.storage.public-url}, or this endpoint's actual address. */
    public URI url() {
        URI current = url;
        if (current == null) {
            throw new IllegalStateException("the storage endpoint has not started yet");
        }
        return current;
    }

    public String objectUrl(String object) {
        return url() + "/" + object;
    }

    void stop(@Observes ShutdownEvent stopping) throws Exception {
        HttpServer http = server;
        if (http != null) {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static String displayHost(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) {
            return "localhost";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}

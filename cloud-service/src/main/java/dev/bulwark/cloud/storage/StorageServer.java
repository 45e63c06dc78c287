package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.config.StorageConfig;
import dev.bulwark.cloud.tls.ServerTls;
import io.quarkus.tls.TlsConfiguration;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The storage account's own HTTPS endpoint ({@code bulwark.storage.host}:{@code port}), apart from the
 * management API, as in Arc where packages come from a storage account and not from the API. Serves stored
 * objects at {@code /<object name>} and nothing else. Its certificate is the API's unless configured
 * otherwise ({@link ServerTls#storage()}); plain http only with the development flag and no certificate.
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
    @Inject
    ServerTls serverTls;

    private volatile HttpServer server;
    private volatile URI url;

    void start(@Observes @Priority(STARTUP_PRIORITY) StartupEvent started) throws Exception {
        Optional<TlsConfiguration> tls = serverTls.storage();
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port());
        tls.ifPresent(configuration -> serveTls(options, configuration));
        HttpServer http = vertx.createHttpServer(options)
                .requestHandler(request -> handler.serve(request, request.path().substring(1)));
        server = http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        String scheme = tls.isPresent() ? "https://" : "http://";
        url = config.publicUrl().map(StorageServer::withoutTrailingSlash).orElseGet(() -> URI.create(scheme
                + displayHost(config.host()) + ":" + server.actualPort()));
        LOG.infof("Package storage %s served at %s (listening on %s:%d)", config.dir(), url, config.host(), server.actualPort());
    }

    /**
     * TLS as the registry's configuration says (certificate, protocols, handshake timeout). No ALPN: this
     * endpoint speaks HTTP/1.1, which is all a download needs.
     */
    private static void serveTls(HttpServerOptions options, TlsConfiguration tls) {
        options.setSsl(true).setKeyCertOptions(tls.getKeyStoreOptions()).setSni(tls.usesSni())
                .setEnabledSecureTransportProtocols(tls.getSSLOptions().getEnabledSecureTransportProtocols())
                .setSslHandshakeTimeout(tls.getSSLOptions().getSslHandshakeTimeout())
                .setSslHandshakeTimeoutUnit(tls.getSSLOptions().getSslHandshakeTimeoutUnit());
        tls.getSSLOptions().getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
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

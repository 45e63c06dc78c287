package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.error.StorageErrorCode;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;

/**
 * Private-endpoint mode: machines that may reach only the cloud's URL fetch storage through it. An agent
 * in that mode rewrites {@code http://<storage host>[:port]/<path>?<query>} to
 * {@code <cloud URL>/private-endpoint/<storage host>/<path>?<query>} ({@code PackageDownloader.effectiveUrl}),
 * so its private-endpoint base is {@code <cloud URL>/private-endpoint}.
 *
 * <p>Not a proxy to anywhere: the host must be this cloud's own storage host, and the object is read
 * from {@link PackageStorage} directly, exactly as the storage endpoint serves it. No outbound request is
 * ever made, so the route cannot be used to reach other hosts or internal addresses.
 */
@ApplicationScoped
public class PrivateEndpointRoute {
    public static final String PREFIX = "/private-endpoint/";

    @Inject
    StorageServer storageServer;
    @Inject
    StorageRequestHandler handler;

    void register(@Observes Router router) {
        router.route(PREFIX + "*").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::serve);
    }

    private void serve(RoutingContext context) {
        // The raw path: what the router matched was normalized, the object name must be checked as sent.
        String path = context.request().path();
        String rest = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            StorageRequestHandler.refuse(context.request(), StorageErrorCode.BlobNotFound, "The specified object does not exist.");
            return;
        }
        URI storage = storageServer.url();
        String host = rest.substring(0, slash);
        // Today's agents drop the port (PackageDownloader.effectiveUrl); host:port is accepted too.
        if (!host.equalsIgnoreCase(storage.getHost()) && !host.equalsIgnoreCase(storage.getRawAuthority())) {
            StorageRequestHandler.refuse(context.request(), StorageErrorCode.PrivateEndpointHostNotAllowed,
                    "This route serves this cloud's own package storage (" + storage.getHost() + ") only.");
            return;
        }
        // A public storage URL may have a path of its own (https://host/prefix): the rewritten URL keeps it.
        String base = storage.getRawPath() == null ? "" : storage.getRawPath();
        String objectPath = rest.substring(slash);
        if (!objectPath.startsWith(base + "/")) {
            StorageRequestHandler.refuse(context.request(), StorageErrorCode.BlobNotFound, "The specified object does not exist.");
            return;
        }
        handler.serve(context.request(), objectPath.substring(base.length() + 1));
    }
}

package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.error.StorageErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Answers a request for one stored object, the same way for the storage endpoint and for the
 * private-endpoint route: GET or HEAD, the file's bytes with its {@code Content-Length}, or an error.
 * Query strings (storage access tokens) are ignored and never logged.
 */
@ApplicationScoped
public class StorageRequestHandler {
    @Inject
    PackageStorage storage;

    /** @param object the raw (undecoded) request path after the storage root, e.g. {@code catalog/catalog.json} */
    public void serve(HttpServerRequest request, String object) {
        HttpServerResponse response = request.response();
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.ALLOW, "GET, HEAD");
            refuse(request, StorageErrorCode.UnsupportedHttpVerb, "Storage is read-only: use GET or HEAD.");
            return;
        }
        storage.find(object).ifPresentOrElse(found -> {
            response.putHeader(HttpHeaders.CONTENT_TYPE, StorageObjects.contentType(object));
            // The catalog changes with every publish; package versions never change once published.
            response.putHeader(HttpHeaders.CACHE_CONTROL, StorageObjects.CATALOG.equals(object) ? "no-cache" : "max-age=3600");
            if (request.method() == HttpMethod.HEAD) {
                // sendFile would send the bytes even for HEAD.
                response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(found.length())).end();
            } else {
                response.sendFile(found.file().toString());
            }
        }, () -> refuse(request, StorageErrorCode.BlobNotFound, "The specified object does not exist."));
    }

    public static void refuse(HttpServerRequest request, StorageErrorCode code, String message) {
        request.response().setStatusCode(code.status())
                .putHeader(StorageErrorCode.HEADER, code.name())
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(code.name() + ": " + message + "\n");
    }
}

package dev.bulwark.cloud.storage;

import dev.bulwark.cloud.error.StorageErrorCode;
import dev.bulwark.cloud.repository.MachineRepository;
import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.model.crypto.Ed25519;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Answers a request for one stored object, the same way for the storage endpoint and for the
 * private-endpoint route: GET or HEAD by a registered machine, the file's bytes with its {@code Content-Length},
 * or an error. The machine proves itself with {@code Authorization: Machine <token>} signed by its current key
 * ({@code MachineTokens}, audience {@value MachineTokens#STORAGE}). Query strings (storage access tokens) are
 * ignored and never logged.
 */
@ApplicationScoped
public class StorageRequestHandler {
    private static final Logger LOG = Logger.getLogger(StorageRequestHandler.class);

    @Inject
    PackageStorage storage;
    @Inject
    MachineRepository machines;

    /** @param object the raw (undecoded) request path after the storage root, e.g. {@code catalog/catalog.json} */
    public void serve(HttpServerRequest request, String object) {
        HttpServerResponse response = request.response();
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.ALLOW, "GET, HEAD");
            refuse(request, StorageErrorCode.UnsupportedHttpVerb, "Storage is read-only: use GET or HEAD.");
            return;
        }
        String token = MachineTokens.fromHeader(request.getHeader(HttpHeaders.AUTHORIZATION));
        String subject = token == null ? null : MachineTokens.subjectOf(token);
        if (subject == null) {
            refuse(request, StorageErrorCode.NoAuthenticationInformation, "Storage serves registered machines only:"
                    + " send 'Authorization: Machine <token signed by the machine's key>'.");
            return;
        }
        machines.signingKeys(List.of(subject))
                .emitOn(Infrastructure.getDefaultWorkerPool()) // a signature check: off the event loop
                .subscribe().with(keys -> {
                    try {
                        String key = keys.get(subject);
                        MachineTokens.verify(token, MachineTokens.STORAGE, s -> key == null ? null : Ed25519.decodePublic(key), Instant.now());
                        send(request, object);
                    } catch (MachineTokens.InvalidMachineToken e) {
                        refuse(request, StorageErrorCode.AuthenticationFailed, e.getMessage() + ".");
                    }
                }, failure -> {
                    LOG.warnf("Cannot check a storage request's machine token: %s", failure.toString());
                    request.response().setStatusCode(503).end();
                });
    }

    private void send(HttpServerRequest request, String object) {
        HttpServerResponse response = request.response();
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

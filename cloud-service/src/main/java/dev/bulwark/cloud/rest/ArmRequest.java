package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.service.Requester;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a write carries besides its body: the caller as authenticated (never a header: a client could name
 * anyone) with the grant that allowed it, the correlation id ({@code x-ms-correlation-request-id}, a new UUID
 * without it), and the base URL the client reached us at, for the polling headers.
 */
record ArmRequest(String apiVersion, Requester requester, String baseUrl) {
    static final String CORRELATION_HEADER = "x-ms-correlation-request-id";
    private static final Pattern CORRELATION_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

    static ArmRequest of(String apiVersion, HttpHeaders headers, UriInfo uri, CloudConfig config, CallerContext caller) {
        String correlationId = correlationIdOf(headers);
        String base = config.publicUrl().map(Object::toString).orElse(uri.getBaseUri().toString());
        return new ArmRequest(apiVersion, new Requester(caller.caller().name(), correlationId, caller.grant()),
                base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    /** The client's {@code x-ms-correlation-request-id}, checked, or a new UUID. */
    static String correlationIdOf(HttpHeaders headers) {
        String correlationId = headers.getHeaderString(CORRELATION_HEADER);
        if (correlationId == null || correlationId.isBlank()) {
            return UUID.randomUUID().toString();
        }
        if (!CORRELATION_ID.matcher(correlationId).matches()) {
            throw ApiException.invalidParameter(CORRELATION_HEADER, "The " + CORRELATION_HEADER
                    + " header must be 1 to 128 letters, digits, '.', '_', ':' or '-' (a GUID, typically).");
        }
        return correlationId;
    }

    String correlationId() {
        return requester.correlationId();
    }
}

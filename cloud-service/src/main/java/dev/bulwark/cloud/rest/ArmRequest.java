package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.service.Requester;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The ARM request headers a write carries besides its body: caller ({@code x-ms-client-principal-name},
 * "anonymous" without it) and correlation id ({@code x-ms-correlation-request-id}, a new UUID without it),
 * plus the base URL the client reached us at, for the polling headers.
 */
record ArmRequest(String apiVersion, Requester requester, String baseUrl) {
    static final String CORRELATION_HEADER = "x-ms-correlation-request-id";
    static final String CALLER_HEADER = "x-ms-client-principal-name";
    private static final Pattern CORRELATION_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    private static final int MAX_CALLER = 256;

    static ArmRequest of(String apiVersion, HttpHeaders headers, UriInfo uri, CloudConfig config) {
        String correlationId = headers.getHeaderString(CORRELATION_HEADER);
        if (correlationId == null || correlationId.isBlank()) {
            correlationId = UUID.randomUUID().toString();
        } else if (!CORRELATION_ID.matcher(correlationId).matches()) {
            throw ApiException.invalidParameter(CORRELATION_HEADER, "The " + CORRELATION_HEADER
                    + " header must be 1 to 128 letters, digits, '.', '_', ':' or '-' (a GUID, typically).");
        }
        String caller = headers.getHeaderString(CALLER_HEADER);
        caller = caller == null || caller.isBlank() ? "anonymous"
                : caller.length() > MAX_CALLER ? caller.substring(0, MAX_CALLER) : caller;
        String base = config.publicUrl().map(Object::toString).orElse(uri.getBaseUri().toString());
        return new ArmRequest(apiVersion, new Requester(caller, correlationId),
                base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    String correlationId() {
        return requester.correlationId();
    }
}

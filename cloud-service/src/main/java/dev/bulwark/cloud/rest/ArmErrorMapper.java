package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.rest.body.BodyViolations;
import dev.bulwark.cloud.rest.model.ErrorResponse;
import io.vertx.pgclient.PgException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;

/**
 * The one exception mapper: every error leaves as ARM's {@code {"error":{"code","message"}}}, with the
 * status {@link ArmErrorCode} assigns. Messages are written for callers; exception class names, SQL and
 * request content never reach a response.
 */
public class ArmErrorMapper {
    private static final Logger LOG = Logger.getLogger(ArmErrorMapper.class);
    private static final String UNIQUE_VIOLATION = "23505";

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> refused(ApiException e) {
        var details = e.details().stream().map(d -> new ErrorResponse.Detail(d.code(), d.message(), null)).toList();
        return RestResponse.ResponseBuilder.create(e.code().status(), ErrorResponse.of(e.code().name(), e.getMessage(),
                e.target(), details)).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A request body that breaks a constraint of its record ({@code rest.body}): 400 naming the property. */
    @ServerExceptionMapper
    public RestResponse<ErrorResponse> invalidBody(ConstraintViolationException e) {
        return refused(BodyViolations.toApiException(e));
    }

    /** Errors of the HTTP layer itself: unknown route, wrong method, unsupported media type. */
    @ServerExceptionMapper
    public RestResponse<ErrorResponse> http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ArmErrorCode code = ArmErrorCode.forHttpStatus(status);
        if (code == ArmErrorCode.InternalServerError) {
            return unexpected(e);
        }
        return RestResponse.ResponseBuilder.<ErrorResponse>create(status)
                .entity(ErrorResponse.of(code.name(), describe(status), null))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> unexpected(Throwable e) {
        if (isConcurrentCreate(e)) {
            return respond(ArmErrorCode.Conflict, "Another request created the same resource at the same time; retry.", null);
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error, incident %s", incident);
        return respond(ArmErrorCode.InternalServerError, "The server could not complete the request (incident " + incident
                + "). Retry later; if it persists, report the incident id.", null);
    }

    private static RestResponse<ErrorResponse> respond(ArmErrorCode code, String message, String target) {
        return RestResponse.ResponseBuilder.create(code.status(), ErrorResponse.of(code.name(), message, target))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static boolean isConcurrentCreate(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(int status) {
        return switch (status) {
            case 404 -> "No resource or operation exists at this path.";
            case 405 -> "This HTTP method is not supported on this path.";
            case 406 -> "This API answers application/json only.";
            case 413 -> "The request content is larger than this API accepts.";
            case 415 -> "Send the request content as application/json.";
            default -> "The request was refused (HTTP " + status + ").";
        };
    }
}

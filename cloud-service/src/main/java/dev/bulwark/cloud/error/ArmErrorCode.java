package dev.bulwark.cloud.error;

import jakarta.ws.rs.core.Response.Status;

/**
 * The error codes the API answers with, spelled as Azure Resource Manager spells them, and the one place
 * that decides which HTTP status each one carries. Scripts match on these codes: keep them stable.
 */
public enum ArmErrorCode {
    /** {@code api-version} is not one this API serves; the message lists those it does. */
    InvalidApiVersionParameter(Status.BAD_REQUEST),
    /** The request has no {@code api-version} query parameter (or an empty one). */
    MissingApiVersionParameter(Status.BAD_REQUEST),
    /** No {@code Authorization} header, or an onboarding secret that is unknown, expired or used up. */
    AuthenticationFailed(Status.UNAUTHORIZED),
    /** A bearer token that is malformed or not signed by the configured issuer for this audience. */
    InvalidAuthenticationToken(Status.UNAUTHORIZED),
    /** A bearer token past its expiry. */
    ExpiredAuthenticationToken(Status.UNAUTHORIZED),
    /** The caller's role assignments do not allow the action at the scope; the message names both. */
    AuthorizationFailed(Status.FORBIDDEN),
    /** The body is not JSON, or not a JSON object. */
    InvalidRequestContent(Status.BAD_REQUEST),
    /** A name in the path breaks the naming rule. */
    InvalidResourceName(Status.BAD_REQUEST),
    /** A property, header or query parameter is missing or has a value we refuse; the message names it. */
    InvalidParameter(Status.BAD_REQUEST),
    /** The request would change a property that is fixed once the resource exists (publisher, type). */
    PropertyChangeNotAllowed(Status.BAD_REQUEST),
    /** The activity log {@code $filter} names a field or operator we do not support. */
    InvalidFilter(Status.BAD_REQUEST),
    /** The machine, extension or operation does not exist. */
    ResourceNotFound(Status.NOT_FOUND),
    /**
     * An install or upgrade names a publisher/type/version that was never published here: without a
     * package in the signed catalog no agent could install it.
     */
    ExtensionVersionNotFound(Status.NOT_FOUND),
    /**
     * An uploaded package failed publishing intake (archive rules, manifest, identity, malware scan);
     * {@code details[0].code} is the {@code VerificationFailure} reason, e.g. MalwareDetected.
     */
    InvalidExtensionPackage(Status.BAD_REQUEST),
    /** The version is already published with other bytes; published versions never change. */
    ExtensionVersionConflict(Status.CONFLICT),
    /** The request body is larger than the limit for its route (package uploads have their own). */
    RequestEntityTooLarge(Status.REQUEST_ENTITY_TOO_LARGE),
    /** Two requests created the same resource at once; the loser may retry. */
    Conflict(Status.CONFLICT),
    /** A rollout of this name is still running: cancel it, wait for it, or use another name. */
    AnotherOperationInProgress(Status.CONFLICT),
    /** A rollout's target holds no machine, or none that can take the operation; the message says why. */
    RolloutTargetEmpty(Status.BAD_REQUEST),
    /** No route matches the path. */
    NotFound(Status.NOT_FOUND),
    MethodNotAllowed(Status.METHOD_NOT_ALLOWED),
    UnsupportedMediaType(Status.UNSUPPORTED_MEDIA_TYPE),
    NotAcceptable(Status.NOT_ACCEPTABLE),
    /** Any other client error the HTTP layer reports. */
    BadRequest(Status.BAD_REQUEST),
    /** Our fault; details are in the server log under the correlation id, never in the response. */
    InternalServerError(Status.INTERNAL_SERVER_ERROR);

    private final Status status;

    ArmErrorCode(Status status) {
        this.status = status;
    }

    public Status status() {
        return status;
    }

    /** The code for an HTTP error raised by the REST layer itself (unknown route, wrong method...). */
    public static ArmErrorCode forHttpStatus(int status) {
        return switch (status) {
            case 404 -> NotFound;
            case 405 -> MethodNotAllowed;
            case 406 -> NotAcceptable;
            case 413 -> RequestEntityTooLarge;
            case 415 -> UnsupportedMediaType;
            default -> status >= 500 ? InternalServerError : BadRequest;
        };
    }
}

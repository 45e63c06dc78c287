package dev.bulwark.cloud.error;

/**
 * What the storage endpoint (and the private-endpoint route that proxies it) answers besides the object
 * itself, in the header {@code x-ms-error-code} as Azure Storage does. The storage endpoint is not ARM:
 * its errors are a status, this code and a line of text.
 */
public enum StorageErrorCode {
    /** No stored object at this path (also: any path that is not an object name, so nothing is listed or guessed). */
    BlobNotFound(404),
    /** No {@code Authorization: Machine <token>}: storage serves registered machines only. */
    NoAuthenticationInformation(401),
    /** The machine token is malformed, expired, for another audience, or not signed by a registered machine's key. */
    AuthenticationFailed(403),
    /** Storage is read-only over HTTP: GET and HEAD only. */
    UnsupportedHttpVerb(405),
    /** The private-endpoint route proxies this cloud's own storage account only, never another host. */
    PrivateEndpointHostNotAllowed(403);

    public static final String HEADER = "x-ms-error-code";

    private final int status;

    StorageErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}

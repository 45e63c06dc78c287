package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.config.StorageConfig;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.rest.model.ErrorResponse;
import dev.bulwark.model.Json;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.regex.Pattern;

/**
 * Body size limits per route. Quarkus has one limit for every request ({@code quarkus.http.limits.max-body-size},
 * set to the package limit in application.properties so uploads pass); this puts JSON requests back under
 * their own, much smaller, limit so that no request can make the API buffer hundreds of megabytes of JSON.
 *
 * <p>Two steps around Quarkus' own limit handler ({@link RouteConstants#ROUTE_ORDER_UPLOAD_LIMIT}): before it,
 * a declared {@code Content-Length} above the route's limit is refused at once in the ARM error shape;
 * after it, the per-request limit its body stream enforces (for chunked bodies) is replaced by the route's.
 */
@ApplicationScoped
public class RequestSizeLimits {
    /** The request attribute Quarkus' body stream reads its limit from. */
    static final String QUARKUS_LIMIT = "io.quarkus.max-request-size";
    /**
     * Uploads count their own bytes ({@code PackageIntake}) and refuse with an ARM error one byte past the
     * limit; the stream's hard limit sits above that so it never cuts in first with a bare 413.
     */
    static final long UPLOAD_STREAM_SLACK = 1 << 20;
    private static final Pattern PACKAGE_UPLOAD = Pattern.compile(
            "/subscriptions/[^/]+/providers/Microsoft\\.HybridCompute/locations/[^/]+/publishers/[^/]+"
                    + "/extensionTypes/[^/]+/versions/[^/]+/?");

    @Inject
    CloudConfig cloud;
    @Inject
    StorageConfig storage;

    void register(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::refuseDeclaredTooLarge);
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1).handler(this::applyRouteLimit);
    }

    static boolean isPackageUpload(HttpServerRequest request) {
        return request.method() == HttpMethod.PUT && PACKAGE_UPLOAD.matcher(request.path()).matches();
    }

    private long limitOf(HttpServerRequest request) {
        return isPackageUpload(request) ? storage.maxPackageSize().asLongValue() : cloud.maxRequestSize().asLongValue();
    }

    private void refuseDeclaredTooLarge(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long limit = limitOf(context.request());
        if (declared != null && parse(declared) > limit) {
            String what = isPackageUpload(context.request()) ? "A package (bulwark.storage.max-package-size)"
                    : "A request body (bulwark.cloud.max-request-size)";
            ErrorResponse body = ErrorResponse.of(ArmErrorCode.RequestEntityTooLarge.name(), what + " may be at most "
                    + limit + " bytes; this one declares " + declared + ".", "Content-Length");
            context.response().setStatusCode(ArmErrorCode.RequestEntityTooLarge.status().getStatusCode())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    // The body is not read: the connection cannot be reused.
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(Buffer.buffer(Json.encode(body)));
            return;
        }
        context.next();
    }

    private void applyRouteLimit(RoutingContext context) {
        long limit = limitOf(context.request());
        context.put(QUARKUS_LIMIT, isPackageUpload(context.request()) ? limit + UPLOAD_STREAM_SLACK : limit);
        context.next();
    }

    private static long parse(String declared) {
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x refuses a malformed Content-Length itself.
        }
    }
}

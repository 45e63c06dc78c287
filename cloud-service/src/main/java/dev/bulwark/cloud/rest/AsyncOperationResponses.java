package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.service.ExtensionService.Accepted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.UUID;

/**
 * ARM's answer to a long-running request: 202 Accepted with {@code Azure-AsyncOperation} (poll for the
 * status), {@code Location} (poll for the result), {@code Retry-After} and the correlation id.
 */
@ApplicationScoped
public class AsyncOperationResponses {
    static final String PROVIDER = "/providers/Microsoft.HybridCompute/locations/";

    @Inject
    CloudConfig config;

    <T> RestResponse<T> accepted(T body, Accepted accepted, ArmRequest request) {
        UUID id = accepted.operation().asyncOperationId();
        String subscription = accepted.operation().subscriptionId();
        return RestResponse.ResponseBuilder.<T>create(RestResponse.Status.ACCEPTED, body)
                .header("Azure-AsyncOperation", url(request, subscription, accepted.location(), "operationstatus", id))
                .header("Location", url(request, subscription, accepted.location(), "operationresults", id))
                .header("Retry-After", Integer.toString(config.retryAfterSeconds()))
                .header(ArmRequest.CORRELATION_HEADER, request.correlationId())
                .build();
    }

    int retryAfterSeconds() {
        return config.retryAfterSeconds();
    }

    static String url(ArmRequest request, String subscription, String location, String kind, UUID id) {
        return request.baseUrl() + "/subscriptions/" + subscription + PROVIDER + location + "/" + kind + "/" + id
                + "?api-version=" + request.apiVersion();
    }
}

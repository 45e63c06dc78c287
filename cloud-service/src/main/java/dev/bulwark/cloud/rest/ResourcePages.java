package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.service.ResourceCursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Paging of ARM resource lists (machines, a machine's extensions): the page size ({@code $top}, else the configured
 * default, which is what ARM clients get) and the {@code nextLink} that carries the request's api-version, its
 * {@code $top} and the {@code $skipToken} of the next page.
 */
@ApplicationScoped
public class ResourcePages {
    @Inject
    CloudConfig config;

    int size(String top) {
        return size(top, config.resourceLists().defaultPageSize(), config.resourceLists().maxPageSize());
    }

    /** A page size from {@code $top}: {@code defaultSize} when absent, else a whole number from 1 to {@code max}. */
    static int size(String top, int defaultSize, int max) {
        if (top == null || top.isBlank()) {
            return defaultSize;
        }
        try {
            int size = Integer.parseInt(top.trim());
            if (size >= 1 && size <= max) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.invalidParameter("$top", "$top must be a whole number from 1 to " + max + ".");
    }

    /** The next page's URL, or null when {@code next} is null (the last page). */
    String nextLink(UriInfo uri, String apiVersion, String top, ResourceCursor next) {
        if (next == null) {
            return null;
        }
        String base = config.publicUrl().map(Object::toString).orElse(uri.getBaseUri().toString()).replaceFirst("/$", "");
        StringBuilder link = new StringBuilder(base).append('/').append(uri.getPath().replaceFirst("^/", ""))
                .append("?api-version=").append(encode(apiVersion));
        if (top != null && !top.isBlank()) {
            link.append("&$top=").append(encode(top));
        }
        return link.append("&$skipToken=").append(next.token()).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

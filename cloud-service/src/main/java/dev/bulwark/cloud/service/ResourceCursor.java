package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Where the next page of a resource list starts: the sort key of the last resource returned (a machine list's
 * lower-case resource group and resource id, an extension list's lower-case name). Keyset paging: each page is
 * one index range scan however deep, and resources added or deleted meanwhile neither shift nor repeat pages.
 * Travels opaque as {@code $skipToken}.
 */
public record ResourceCursor(List<String> keys) {
    private static final String SEPARATOR = "\n"; // never in a resource id or name

    public ResourceCursor {
        keys = List.copyOf(keys);
    }

    public static ResourceCursor of(String... keys) {
        return new ResourceCursor(Arrays.asList(keys));
    }

    public String key(int i) {
        return keys.get(i);
    }

    public String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join(SEPARATOR, keys).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of a {@code $skipToken} with {@code parts} keys, null without one, 400 for one we did not issue. */
    public static ResourceCursor parse(String token, int parts) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String[] keys = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(SEPARATOR, -1);
            if (keys.length != parts) {
                throw new IllegalArgumentException(parts + " parts expected");
            }
            return new ResourceCursor(Arrays.asList(keys));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("$skipToken", "$skipToken is not a token this list issued;"
                    + " follow nextLink as returned.");
        }
    }
}

package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where the next activity-log page starts: the (eventTimestamp, id) of the last event returned.
 * Keyset paging: each page is one index range scan, however deep, and events written meanwhile
 * neither shift nor repeat pages. Travels opaque as {@code $skipToken}.
 */
public record PageCursor(Instant eventTimestamp, long id) {

    public String token() {
        String plain = eventTimestamp.getEpochSecond() + "." + eventTimestamp.getNano() + "." + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    public static PageCursor parse(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split("\\.");
            if (parts.length != 3) {
                throw new IllegalArgumentException("three parts expected");
            }
            return new PageCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    Long.parseLong(parts[2]));
        } catch (RuntimeException e) {
            throw ApiException.invalidParameter("$skipToken", "$skipToken is not a token this service issued;"
                    + " follow nextLink as returned.");
        }
    }
}

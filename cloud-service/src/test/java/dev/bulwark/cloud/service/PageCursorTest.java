package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageCursorTest {

    @Test
    void aTokenReadsBackAsTheSameCursor() {
        PageCursor cursor = new PageCursor(Instant.parse("2025-06-01T10:15:30.123456Z"), 42);

        assertThat(PageCursor.parse(cursor.token())).isEqualTo(cursor);
    }

    @Test
    void aForeignTokenIsRefused() {
        assertThatThrownBy(() -> PageCursor.parse("bm9wZQ")).isInstanceOf(ApiException.class).hasMessageContaining("$skipToken");
    }
}

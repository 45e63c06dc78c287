package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivityFilterParserTest {

    @Test
    void readsEverySupportedClauseJoinedByAnd() {
        ActivityFilter filter = ActivityFilterParser.parse("eventTimestamp ge '2025-06-01T00:00:00Z' and "
                + "eventTimestamp le '2025-06-02T00:00:00+02:00' AND resourceGroupName eq 'rg1' and resourceUri eq '/x/y'"
                + " and correlationId eq 'c-1' and status eq 'Failed'");

        assertThat(filter).isEqualTo(new ActivityFilter(Instant.parse("2025-06-01T00:00:00Z"),
                Instant.parse("2025-06-01T22:00:00Z"), "rg1", "/x/y", "c-1", "Failed"));
    }

    @Test
    void anEmptyFilterFiltersNothing() {
        assertThat(ActivityFilterParser.parse(null)).isEqualTo(ActivityFilter.NONE);
        assertThat(ActivityFilterParser.parse("  ")).isEqualTo(ActivityFilter.NONE);
    }

    @Test
    void doubledQuotesAreOneQuoteInAValue() {
        assertThat(ActivityFilterParser.parse("resourceGroupName eq 'o''brien'").resourceGroupName()).isEqualTo("o'brien");
    }

    @Test
    void refusesWhatItDoesNotUnderstandNamingIt() {
        assertRefused("level eq 'Error'", "level");
        assertRefused("correlationId ne 'x'", "ne");
        assertRefused("status eq Failed", "single quotes");
        assertRefused("status eq 'Failed' or status eq 'Started'", "'or'");
        assertRefused("status eq 'Failed", "closing quote");
        assertRefused("eventTimestamp ge 'soon'", "soon");
        assertRefused("status eq 'a' and status eq 'b'", "twice");
        assertRefused("eventTimestamp ge '2025-06-02T00:00:00Z' and eventTimestamp le '2025-06-01T00:00:00Z'", "after");
        assertRefused("status eq 'a' and", "field name");
    }

    private static void assertRefused(String filter, String named) {
        assertThatThrownBy(() -> ActivityFilterParser.parse(filter)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ArmErrorCode.InvalidFilter);
            assertThat(e.getMessage()).contains(named);
        });
    }
}

package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A strict parser for the Azure Monitor activity-log filter subset:
 * {@code clause ( and clause )*}, {@code clause = field op 'value'} ({@code ''} escapes a quote), with
 * {@code eventTimestamp ge|le}, and {@code eq} on resourceGroupName, resourceUri, correlationId, status.
 * Anything else is refused with a message naming it, rather than silently ignored: a filter that is
 * dropped would return events the caller did not ask for.
 */
public final class ActivityFilterParser {
    private final String text;
    private int position;

    private ActivityFilterParser(String text) {
        this.text = text;
    }

    public static ActivityFilter parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return ActivityFilter.NONE;
        }
        return new ActivityFilterParser(filter).parseAll();
    }

    private ActivityFilter parseAll() {
        Instant from = null;
        Instant to = null;
        String group = null;
        String resource = null;
        String correlation = null;
        String status = null;
        Set<String> seen = new HashSet<>();
        do {
            String field = word("a field name");
            String op = word("an operator after '" + field + "'").toLowerCase(Locale.ROOT);
            String value = quoted(field);
            String clause = field.toLowerCase(Locale.ROOT) + " " + op;
            if (!seen.add(clause)) {
                throw invalid("'" + field + " " + op + "' appears twice in $filter.");
            }
            switch (clause) {
                case "eventtimestamp ge" -> from = timestamp(value);
                case "eventtimestamp le" -> to = timestamp(value);
                case "resourcegroupname eq" -> group = value;
                case "resourceuri eq" -> resource = value;
                case "correlationid eq" -> correlation = value;
                case "status eq" -> status = value;
                default -> throw invalid(isKnownField(field)
                        ? "Operator '" + op + "' is not supported for '" + field + "' in $filter."
                        : "Filter field '" + field + "' is not supported. Use eventTimestamp (ge, le), resourceGroupName,"
                        + " resourceUri, correlationId or status (eq).");
            }
        } while (and());
        if (from != null && to != null && from.isAfter(to)) {
            throw invalid("eventTimestamp ge '" + from + "' is after eventTimestamp le '" + to + "'.");
        }
        return new ActivityFilter(from, to, group, resource, correlation, status);
    }

    private boolean and() {
        skipSpaces();
        if (position >= text.length()) {
            return false;
        }
        String word = word("'and'");
        if (!word.equalsIgnoreCase("and")) {
            throw invalid("Expected 'and' between clauses of $filter, found '" + word + "'.");
        }
        return true;
    }

    private String word(String expected) {
        skipSpaces();
        int start = position;
        while (position < text.length() && Character.isLetterOrDigit(text.charAt(position))) {
            position++;
        }
        if (start == position) {
            throw invalid("Expected " + expected + " at position " + (start + 1) + " of $filter.");
        }
        return text.substring(start, position);
    }

    private String quoted(String field) {
        skipSpaces();
        if (position >= text.length() || text.charAt(position) != '\'') {
            throw invalid("The value of '" + field + "' in $filter must be in single quotes.");
        }
        StringBuilder value = new StringBuilder();
        position++;
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c != '\'') {
                value.append(c);
            } else if (position < text.length() && text.charAt(position) == '\'') {
                value.append('\'');
                position++;
            } else {
                return value.toString();
            }
        }
        throw invalid("The value of '" + field + "' in $filter has no closing quote.");
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private static boolean isKnownField(String field) {
        return Set.of("eventtimestamp", "resourcegroupname", "resourceuri", "correlationid", "status")
                .contains(field.toLowerCase(Locale.ROOT));
    }

    private static Instant timestamp(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return Instant.parse(value.endsWith("Z") ? value : value + "Z");
            } catch (DateTimeParseException e) {
                throw invalid("eventTimestamp '" + value + "' is not an ISO-8601 time such as 2025-06-01T00:00:00Z.");
            }
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(ArmErrorCode.InvalidFilter, message, "$filter");
    }
}

package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.error.ApiException;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Azure Monitor's {@code $select}: a comma-separated list of the {@link ActivityEventView} properties to return
 * (any case). Names Azure lists that Bulwark does not record (description, httpRequest, tenantId) select nothing; any
 * other name is refused, so a typo does not silently return less than asked.
 */
public final class ActivityEventSelection {
    /** Every property of {@link ActivityEventView}, spelled as returned. */
    public static final List<String> FIELDS = Arrays.stream(ActivityEventView.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).toList();
    private static final List<String> NOT_RECORDED = List.of("description", "httpRequest", "tenantId");
    public static final ActivityEventSelection ALL = new ActivityEventSelection(null);

    /** null: every property. */
    private final Set<String> selected;

    private ActivityEventSelection(Set<String> selected) {
        this.selected = selected;
    }

    public static ActivityEventSelection parse(String select) {
        if (select == null || select.isBlank()) {
            return ALL;
        }
        Set<String> selected = new LinkedHashSet<>();
        for (String name : select.split(",")) {
            String wanted = name.trim();
            String known = canonical(wanted);
            if (known == null) {
                throw ApiException.invalidParameter("$select", "$select names '" + wanted + "', which is not a property of"
                        + " an event. Use a comma-separated list of " + String.join(", ", FIELDS) + ".");
            }
            selected.add(known);
        }
        return new ActivityEventSelection(selected);
    }

    private static String canonical(String name) {
        return java.util.stream.Stream.concat(FIELDS.stream(), NOT_RECORDED.stream())
                .filter(field -> field.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                .findFirst().orElse(null);
    }

    /** The property's value when it is selected, else null (and left out of the answer). */
    <T> T pick(String property, Supplier<T> value) {
        return selected == null || selected.contains(property) ? value.get() : null;
    }
}

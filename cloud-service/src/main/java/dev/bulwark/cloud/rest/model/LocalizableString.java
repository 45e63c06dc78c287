package dev.bulwark.cloud.rest.model;

/** Azure's {@code {value, localizedValue}} pair; Bulwark speaks English only. */
public record LocalizableString(String value, String localizedValue) {

    public static LocalizableString of(String value) {
        return value == null ? null : new LocalizableString(value, value);
    }
}

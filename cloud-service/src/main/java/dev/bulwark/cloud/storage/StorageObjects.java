package dev.bulwark.cloud.storage;

import java.util.regex.Pattern;

/**
 * The names of stored objects, the only paths storage ever serves: {@code catalog/catalog.json} and
 * {@code packages/{publisher}/{type}/{version}.zip}. A name is checked against these shapes before it
 * touches the file system, so no request path (encoded or not) can name anything else: no {@code ..},
 * no folder, no listing.
 */
public final class StorageObjects {
    public static final String CATALOG = "catalog/catalog.json";

    /** Catalog names: publisher, type and version are 1 to 128 of {@code A-Z a-z 0-9 . _ - +}, first alphanumeric. */
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]{0,127}";
    private static final Pattern PACKAGE = Pattern.compile("packages/" + NAME + "/" + NAME + "/" + NAME + "\\.zip");

    private StorageObjects() {
    }

    /** The object of a package version; the arguments are catalog names (checked at intake). */
    public static String packageObject(String publisher, String type, String version) {
        String object = "packages/" + publisher + "/" + type + "/" + version + ".zip";
        if (!isObjectName(object)) {
            throw new IllegalArgumentException("not a package object name: " + object);
        }
        return object;
    }

    /** Whether {@code value} may be a publisher, type or version: catalog names become folder and file names. */
    public static boolean isName(String value) {
        return value != null && value.matches(NAME);
    }

    public static boolean isObjectName(String name) {
        return name != null && (CATALOG.equals(name) || PACKAGE.matcher(name).matches());
    }

    public static String contentType(String object) {
        return object.endsWith(".zip") ? "application/zip" : "application/json";
    }
}

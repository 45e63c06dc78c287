package dev.bulwark.cloud.service;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.storage.StorageObjects;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A package version's ARM address ({@code .../locations/{loc}/publishers/{p}/extensionTypes/{t}/versions/{v}}),
 * checked before anything is read. Bulwark keeps one catalog per cloud: the subscription and location
 * are part of the resource id (ARM clients expect them) but do not scope the package.
 */
public record PackageVersionAddress(String subscriptionId, String location, String publisher, String type, String version) {
    private static final Pattern LOCATION = Pattern.compile("^[A-Za-z0-9]{1,64}$");
    private static final String NAME_RULE = "1 to 128 letters, digits, '.', '_', '-' or '+', starting with a letter or digit";

    public static PackageVersionAddress of(String subscriptionId, String location, String publisher, String type,
                                           String version) {
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        String region = requireLocation(location);
        requireName("publisherName", publisher);
        requireName("extensionTypeName", type);
        if (version != null) {
            requireName("version", version);
        }
        return new PackageVersionAddress(subscription, region, publisher, type, version);
    }

    /** The address of an extension type's versions (no version). */
    public static PackageVersionAddress ofType(String subscriptionId, String location, String publisher, String type) {
        return of(subscriptionId, location, publisher, type, null);
    }

    public static String requireLocation(String location) {
        if (location == null || !LOCATION.matcher(location).matches()) {
            throw new ApiException(ArmErrorCode.InvalidResourceName, "The location '" + shown(location)
                    + "' is invalid: use an Azure region name such as westeurope.", "location");
        }
        return location.toLowerCase(Locale.ROOT);
    }

    public String typeId() {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.HybridCompute/locations/" + location
                + "/publishers/" + publisher + "/extensionTypes/" + type;
    }

    public String resourceId(String publishedVersion) {
        return typeId() + "/versions/" + publishedVersion;
    }

    private static void requireName(String parameter, String value) {
        if (!StorageObjects.isName(value)) {
            throw new ApiException(ArmErrorCode.InvalidResourceName, "The " + parameter + " '" + shown(value)
                    + "' is invalid: use " + NAME_RULE + ".", parameter);
        }
    }

    private static String shown(String value) {
        return value == null ? "" : value.length() > 100 ? value.substring(0, 100) + "..." : value;
    }
}

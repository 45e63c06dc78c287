package dev.bulwark.cloud.service;

/** One entry of upgradeExtensions: {@code "Publisher.Type": {"targetVersion": "x"}}. */
public record UpgradeTarget(String dottedType, String targetVersion) {
}

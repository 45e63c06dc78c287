package dev.bulwark.model;

/** Where an agent downloads a package, and what the cloud expects it to be (the signed catalog decides). */
public record PackageRef(String url, String sha256, long size) {
}

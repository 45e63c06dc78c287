package dev.bulwark.model;

/** An extension present on a machine. {@code state} is Enabled, Stopped (manager disabled) or Failed. */
public record InstalledExtension(String name, String publisher, String type, String version, String state) {
}

package dev.bulwark.model;

/** What an {@link ExtensionOperation} asks a machine to do. UPDATE means reconfigure (new settings, same version). */
public enum OperationKind {
    INSTALL, UPDATE, UPGRADE, DELETE;

    /** The value of {@code --operation} on the CLI and in messages to people. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static OperationKind fromCliName(String name) {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}

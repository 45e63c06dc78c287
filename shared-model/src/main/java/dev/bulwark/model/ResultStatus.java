package dev.bulwark.model;

/** Outcome of an operation on a machine, spelled as ARM spells provisioning states. */
public enum ResultStatus {
    Succeeded, Failed
}

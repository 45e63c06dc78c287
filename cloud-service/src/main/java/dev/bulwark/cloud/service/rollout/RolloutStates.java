package dev.bulwark.cloud.service.rollout;

/** The states of a rollout and of each of its machines, as stored and shown. */
public final class RolloutStates {
    // A rollout
    public static final String RUNNING = "Running";
    public static final String CANCELING = "Canceling";
    public static final String CANCELED = "Canceled";
    public static final String WHAT_IF = "WhatIf";
    // A rollout, and a machine of it
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    // A machine
    public static final String PENDING = "Pending";
    public static final String BLOCKED = "Blocked";
    public static final String SKIPPED = "Skipped";
    // A prediction
    public static final String UNKNOWN = "Unknown";
    public static final String RIGHT = "Right";
    public static final String WRONG = "Wrong";

    private RolloutStates() {
    }

    public static boolean isActive(String rolloutState) {
        return RUNNING.equals(rolloutState) || CANCELING.equals(rolloutState);
    }
}

package dev.bulwark.cloud.service;

import dev.bulwark.model.GuestAssignment;

import java.util.List;

/** A PUT of a guest configuration assignment, validated: what the machine is to evaluate. */
public record GuestAssignmentRequest(String location, String configurationName, String configurationVersion,
                                     List<GuestAssignment.Rule> rules) {
    /** At most this many rules per assignment: each one is a file read on every machine it is assigned to. */
    public static final int MAX_RULES = 100;
}

package dev.bulwark.cloud.service;

import dev.bulwark.model.GuestComplianceReport;

import java.util.Set;

/** {@code complianceStatus} of a guest assignment: Pending until the machine's first report, then the report's. */
public final class ComplianceStatus {
    public static final String PENDING = "Pending";
    public static final String COMPLIANT = GuestComplianceReport.COMPLIANT;
    public static final String NON_COMPLIANT = GuestComplianceReport.NON_COMPLIANT;
    public static final String NOT_EVALUATED = GuestComplianceReport.NOT_EVALUATED;
    /** What a report may say. */
    public static final Set<String> REPORTED = Set.of(COMPLIANT, NON_COMPLIANT, NOT_EVALUATED);

    private ComplianceStatus() {
    }
}

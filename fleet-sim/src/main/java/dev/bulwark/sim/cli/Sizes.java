package dev.bulwark.sim.cli;

/**
 * Record sizes the baseline pushes: those of a rollout's operations and results (measured on the wire for the
 * example scenario: settings, sealed protected settings, package and catalog references, a batch signature
 * with a 10-hash proof; a result with its instance view and signature).
 */
final class Sizes {
    static final int OPERATION_BYTES = 1_900;
    static final int RESULT_BYTES = 1_000;

    private Sizes() {
    }
}

package dev.bulwark.sim.baseline;

/** What the pipeline carried end to end, and how long it took. */
record PipelineTiming(int records, double seconds) {
}

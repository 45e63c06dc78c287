package dev.bulwark.sim.baseline;

/** The topics, consumer groups and table of one baseline run, all named after its run id. */
record BaselineNames(String operationsTopic, String resultsTopic, String agentGroup, String projectionGroup,
                     String table) {

    /** @param runId lower-case letters and digits only: it becomes part of an SQL identifier */
    static BaselineNames forRun(String runId) {
        if (!runId.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("a run id is lower-case letters and digits: " + runId);
        }
        return new BaselineNames("bulwark.baseline.operations-" + runId, "bulwark.baseline.results-" + runId,
                "bulwark.baseline.agent-" + runId, "bulwark.baseline.projection-" + runId, "baseline_event_" + runId);
    }
}

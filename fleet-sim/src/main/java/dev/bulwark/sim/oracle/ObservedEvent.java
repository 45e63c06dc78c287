package dev.bulwark.sim.oracle;

import java.time.Instant;

/**
 * An activity-log event of one machine's operation, as the cloud's API returned it.
 *
 * @param status Started, Succeeded or Failed
 */
public record ObservedEvent(String machine, String operationId, String status, String errorCode, Instant eventTimestamp) {
    public boolean started() {
        return "Started".equals(status);
    }
}

package dev.bulwark.agent.host;

import java.util.concurrent.atomic.LongAdder;

/** Counters an agent process keeps; the Quarkus layer exposes them as metrics, tests read them directly. */
public final class HostStats {
    public final LongAdder consumed = new LongAdder();
    /** Records keyed for machines this process does not host (another agent's). */
    public final LongAdder ignored = new LongAdder();
    public final LongAdder succeeded = new LongAdder();
    /** Failed results, blocked ones included. */
    public final LongAdder failed = new LongAdder();
    public final LongAdder blocked = new LongAdder();
    /** Redelivered operations answered with their stored result. */
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder deadLetters = new LongAdder();
    /** Genuine operations refused before any decision: replayed, expired or not yet valid (also counted as failed and dead letters). */
    public final LongAdder refused = new LongAdder();
    public final LongAdder reportsSent = new LongAdder();
    /** Guest assignments received (verified), and compliance reports produced for them. */
    public final LongAdder guestAssignments = new LongAdder();
    public final LongAdder guestReports = new LongAdder();
    /** Records handled again because what they produced could not be published (the broker away or refusing). */
    public final LongAdder publishRetries = new LongAdder();
    /** Operations failed on one machine because its own files failed again and again (MachineStorageFailed). */
    public final LongAdder localFailures = new LongAdder();
}

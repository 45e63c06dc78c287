package dev.bulwark.agent.guest;

import dev.bulwark.agent.files.FileLocks;
import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.Json;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code HOME/guest-assignments.json} (0600): the guest assignments a machine keeps re-evaluating, each as
 * the cloud signed it with a digest of what was last reported for it, and the ids of withdrawn assignments
 * with when they were withdrawn, so a replay of an older copy cannot bring one back. The agent process is the
 * only writer; changes are locked read-modify-writes with an atomic write.
 */
public final class GuestStore {
    public static final String FILE_NAME = "guest-assignments.json";
    private static final String LOCK_NAME = ".guest-assignments.lock";
    /** Withdrawals remembered; older ones are forgotten (assignments that old are not replayed in practice). */
    static final int REMOVED_KEPT = 256;

    /** One kept assignment and the {@link GuestEvaluator.Evaluation#digest} of its last report. */
    public record Kept(GuestAssignment assignment, String reported) {
    }

    public record State(Map<String, Kept> assignments, Map<String, Instant> removed) {
        public static final State EMPTY = new State(Map.of(), Map.of());

        public State {
            assignments = assignments == null ? Map.of() : Map.copyOf(assignments);
            removed = removed == null ? Map.of() : Map.copyOf(removed);
        }
    }

    /** What became of an incoming assignment. */
    public enum Acceptance {
        /** New, changed or redelivered: kept, to be reported. */
        KEPT,
        /** {@code removed: true}: forgotten. */
        REMOVED,
        /** Older than what the machine has for this id: ignored. */
        STALE
    }

    private final Path file;
    private final boolean durable;

    public GuestStore(Path home, boolean durable) {
        this.file = home.resolve(FILE_NAME);
        this.durable = durable;
    }

    public Path file() {
        return file;
    }

    /** One stat: most machines of a fleet have no assignment, and the sync loop asks every interval. */
    public boolean isEmpty() {
        return !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    public State read() throws IOException {
        byte[] bytes = PrivateFiles.readIfExists(file);
        if (bytes == null) {
            return State.EMPTY;
        }
        try {
            return Json.MAPPER.readValue(bytes, State.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not valid: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Keeps, withdraws or ignores {@code incoming}; {@code reported} is the digest of the evaluation about to
     * be reported (ignored for a withdrawal). Idempotent on the assignment id: a redelivery replaces the copy.
     * A machine keeps one assignment per name: a newer id of the same name replaces the older one.
     */
    public Acceptance accept(GuestAssignment incoming, String reported) throws IOException {
        return FileLocks.withLock(file.resolveSibling(LOCK_NAME), () -> {
            State state = read();
            String id = incoming.assignmentId();
            Instant withdrawn = state.removed().get(id);
            Kept kept = state.assignments().get(id);
            if ((withdrawn != null && !incoming.issuedAt().isAfter(withdrawn))
                    || (kept != null && incoming.issuedAt().isBefore(kept.assignment().issuedAt()))
                    || state.assignments().values().stream().anyMatch(k -> isOtherVersionOf(k, incoming)
                            && k.assignment().issuedAt().isAfter(incoming.issuedAt()))) {
                return Acceptance.STALE;
            }
            Map<String, Kept> assignments = new TreeMap<>(state.assignments());
            // The cloud issues a new assignmentId each time an assignment is written: the newest copy of a
            // name replaces the older ones, which would otherwise be evaluated (and reported) for ever.
            assignments.values().removeIf(k -> isOtherVersionOf(k, incoming));
            Map<String, Instant> removed = new TreeMap<>(state.removed());
            if (incoming.removed()) {
                assignments.remove(id);
                removed.put(id, incoming.issuedAt());
                write(new State(assignments, newest(removed)));
                return Acceptance.REMOVED;
            }
            assignments.put(id, new Kept(incoming, reported));
            removed.remove(id);
            write(new State(assignments, removed));
            return Acceptance.KEPT;
        });
    }

    /**
     * Records that {@code reported} was sent for the assignment issued at {@code issuedAt}; false (nothing to
     * report) when the assignment was replaced or withdrawn meanwhile, or this result was reported already.
     */
    public boolean recordReported(String assignmentId, Instant issuedAt, String reported) throws IOException {
        return FileLocks.withLock(file.resolveSibling(LOCK_NAME), () -> {
            State state = read();
            Kept kept = state.assignments().get(assignmentId);
            if (kept == null || !kept.assignment().issuedAt().equals(issuedAt) || reported.equals(kept.reported())) {
                return false;
            }
            Map<String, Kept> assignments = new TreeMap<>(state.assignments());
            assignments.put(assignmentId, new Kept(kept.assignment(), reported));
            write(new State(assignments, state.removed()));
            return true;
        });
    }

    private static boolean isOtherVersionOf(Kept kept, GuestAssignment incoming) {
        return kept.assignment().name().equalsIgnoreCase(incoming.name())
                && !kept.assignment().assignmentId().equals(incoming.assignmentId());
    }

    private void write(State state) throws IOException {
        PrivateFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state), durable);
    }

    private static Map<String, Instant> newest(Map<String, Instant> removed) {
        if (removed.size() <= REMOVED_KEPT) {
            return removed;
        }
        Map<String, Instant> kept = new LinkedHashMap<>();
        removed.entrySet().stream().sorted(Map.Entry.<String, Instant>comparingByValue(Comparator.reverseOrder()))
                .limit(REMOVED_KEPT).forEach(e -> kept.put(e.getKey(), e.getValue()));
        return kept;
    }
}

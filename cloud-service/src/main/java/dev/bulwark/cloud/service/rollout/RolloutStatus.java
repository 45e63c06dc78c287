package dev.bulwark.cloud.service.rollout;

import dev.bulwark.cloud.repository.RolloutRepository.Stage;
import dev.bulwark.cloud.repository.RolloutRepository.Tally;
import dev.bulwark.cloud.repository.row.RolloutRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a rollout stands, from its stage rows and tallies (never from its machine rows): per stage and in
 * total, how many machines are Pending (not sent yet), Running (sent, no outcome yet), Succeeded, Failed and
 * Blocked by a local rule (both by error code), and Skipped; and how the predictions fared.
 */
public record RolloutStatus(Counts total, List<StageStatus> stages, Verdicts verdicts) {

    public record Counts(int machines, int pending, int running, int succeeded, CodeCounts failed, CodeCounts blocked,
                         CodeCounts skipped) {
        /** Every machine has an outcome (or was skipped). */
        public boolean finished() {
            return pending == 0 && running == 0;
        }
    }

    /** {@code state}: NotStarted, Running, Completed, or Skipped (the rollout ended before it). */
    public record StageStatus(int stage, String state, Instant startTime, Instant endTime, Counts counts) {
    }

    /** Predictions judged against outcomes so far (Unknown: made without a report, or from a configuration since changed). */
    public record Verdicts(int right, int wrong, int unknown) {
    }

    public static RolloutStatus of(RolloutRow rollout, List<Stage> stages, List<Tally> tallies) {
        List<StageStatus> stageStatuses = new ArrayList<>();
        Counts total = new Counts(0, 0, 0, 0, CodeCounts.NONE, CodeCounts.NONE, CodeCounts.NONE);
        for (Stage stage : stages) {
            Counts counts = counts(stage, tallies);
            stageStatuses.add(new StageStatus(stage.stage() + 1, state(rollout, stage), stage.startTime(), stage.endTime(), counts));
            total = sum(total, counts);
        }
        int right = 0;
        int wrong = 0;
        int unknown = 0;
        for (Tally tally : tallies) {
            switch (tally.prediction()) {
                case RolloutStates.RIGHT -> right += tally.count();
                case RolloutStates.WRONG -> wrong += tally.count();
                case RolloutStates.UNKNOWN -> unknown += tally.count();
                default -> { }
            }
        }
        return new RolloutStatus(total, stageStatuses, new Verdicts(right, wrong, unknown));
    }

    private static Counts counts(Stage stage, List<Tally> tallies) {
        int succeeded = 0;
        CodeCounts failed = CodeCounts.NONE;
        CodeCounts blocked = CodeCounts.NONE;
        CodeCounts skipped = CodeCounts.NONE;
        for (Tally tally : tallies) {
            if (tally.stage() != stage.stage()) {
                continue;
            }
            switch (tally.state()) {
                case RolloutStates.SUCCEEDED -> succeeded += tally.count();
                case RolloutStates.FAILED -> failed = failed.plus(tally.errorCode(), tally.count());
                case RolloutStates.BLOCKED -> blocked = blocked.plus(tally.errorCode(), tally.count());
                case RolloutStates.SKIPPED -> skipped = skipped.plus(tally.errorCode(), tally.count());
                default -> { }
            }
        }
        int finished = succeeded + failed.total() + blocked.total();
        return new Counts(stage.machines(), stage.machines() - stage.issued() - skipped.total(), stage.issued() - finished,
                succeeded, failed, blocked, skipped);
    }

    private static String state(RolloutRow rollout, Stage stage) {
        if (stage.endTime() != null) {
            return "Completed";
        }
        if (stage.startTime() != null) {
            return RolloutStates.RUNNING;
        }
        return RolloutStates.isActive(rollout.state()) ? "NotStarted" : RolloutStates.SKIPPED;
    }

    private static Counts sum(Counts a, Counts b) {
        return new Counts(a.machines() + b.machines(), a.pending() + b.pending(), a.running() + b.running(),
                a.succeeded() + b.succeeded(), merge(a.failed(), b.failed()), merge(a.blocked(), b.blocked()),
                merge(a.skipped(), b.skipped()));
    }

    private static CodeCounts merge(CodeCounts a, CodeCounts b) {
        CodeCounts merged = new CodeCounts(a.total(), a.byErrorCode());
        for (var code : b.byErrorCode().entrySet()) {
            merged = merged.plus(code.getKey(), code.getValue());
        }
        int uncoded = b.total() - b.byErrorCode().values().stream().mapToInt(Integer::intValue).sum();
        return new CodeCounts(merged.total() + uncoded, merged.byErrorCode());
    }
}

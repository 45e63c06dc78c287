package dev.bulwark.cloud.service.rollout;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the what-if predicted at acceptance, over the whole target: machines whose rules allow the operation
 * ({@code succeeded}), refuse it by a local rule ({@code blocked}) or otherwise ({@code failed}, an invalid
 * local configuration), machines the cloud will not send it to ({@code skipped}), and machines that never
 * reported their rules ({@code unknown}).
 */
public record PredictionSummary(int machines, int succeeded, CodeCounts blocked, CodeCounts failed, CodeCounts skipped,
                                int unknown) {

    public static PredictionSummary of(List<RolloutPlanner.Prediction> predictions) {
        Map<String, Map<String, Integer>> codes = new TreeMap<>();
        Map<String, Integer> states = new TreeMap<>();
        for (RolloutPlanner.Prediction prediction : predictions) {
            states.merge(prediction.state(), 1, Integer::sum);
            if (prediction.errorCode() != null) {
                codes.computeIfAbsent(prediction.state(), state -> new TreeMap<>()).merge(prediction.errorCode(), 1, Integer::sum);
            }
        }
        return new PredictionSummary(predictions.size(), states.getOrDefault(RolloutStates.SUCCEEDED, 0),
                counts(states, codes, RolloutStates.BLOCKED), counts(states, codes, RolloutStates.FAILED),
                counts(states, codes, RolloutStates.SKIPPED), states.getOrDefault(RolloutStates.UNKNOWN, 0));
    }

    private static CodeCounts counts(Map<String, Integer> states, Map<String, Map<String, Integer>> codes, String state) {
        return new CodeCounts(states.getOrDefault(state, 0), codes.getOrDefault(state, Map.of()));
    }
}

package dev.bulwark.cloud.service.rollout;

import java.util.Map;
import java.util.TreeMap;

/** How many machines ended (or are predicted to end) in one state, in total and by error code. */
public record CodeCounts(int total, Map<String, Integer> byErrorCode) {
    public static final CodeCounts NONE = new CodeCounts(0, Map.of());

    public CodeCounts plus(String errorCode, int count) {
        Map<String, Integer> codes = new TreeMap<>(byErrorCode);
        if (errorCode != null && !errorCode.isEmpty()) {
            codes.merge(errorCode, count, Integer::sum);
        }
        return new CodeCounts(total + count, codes);
    }
}

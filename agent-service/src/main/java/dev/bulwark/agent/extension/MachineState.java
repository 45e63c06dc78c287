package dev.bulwark.agent.extension;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * state.json: what is installed, the signed results of the machine's most recent operations so a
 * redelivered operation is answered with the same result instead of running again, and the highest
 * operation sequence the machine has run, so an older operation is never run (a replay). The sequence is
 * written in the same atomic write as the result of the operation that raised it: a crash leaves both or
 * neither. A file of an older agent has no sequence: 0, nothing run yet.
 */
public record MachineState(Map<String, InstalledRecord> extensions, LinkedHashMap<String, JsonNode> results,
                           long highestSequence) {

    /** Results kept per machine: redeliveries come within a batch or two, and 100,000 machines share a disk. */
    public static final int RESULTS_KEPT = 32;

    public static final MachineState EMPTY = new MachineState(Map.of(), new LinkedHashMap<>(), 0);

    public MachineState {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
        results = results == null ? new LinkedHashMap<>() : new LinkedHashMap<>(results);
    }

    public InstalledRecord installed(String name) {
        return extensions.get(name);
    }

    public MachineState withInstalled(InstalledRecord record) {
        Map<String, InstalledRecord> next = new TreeMap<>(extensions);
        next.put(record.name(), record);
        return new MachineState(next, results, highestSequence);
    }

    public MachineState without(String name) {
        Map<String, InstalledRecord> next = new TreeMap<>(extensions);
        next.remove(name);
        return new MachineState(next, results, highestSequence);
    }

    public MachineState withoutAll() {
        return new MachineState(Map.of(), results, highestSequence);
    }

    public MachineState withResult(String operationId, JsonNode signedResult) {
        LinkedHashMap<String, JsonNode> next = new LinkedHashMap<>(results);
        next.remove(operationId);
        next.put(operationId, signedResult);
        while (next.size() > RESULTS_KEPT) {
            next.remove(next.keySet().iterator().next());
        }
        return new MachineState(extensions, next, highestSequence);
    }

    /** Records that the operation numbered {@code sequence} ran; the highest never goes down. */
    public MachineState withSequenceRun(long sequence) {
        return new MachineState(extensions, results, Math.max(highestSequence, sequence));
    }
}

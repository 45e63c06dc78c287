package dev.bulwark.agent.extension;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * state.json: what is installed, and the signed results of the machine's most recent operations so a
 * redelivered operation is answered with the same result instead of running again.
 */
public record MachineState(Map<String, InstalledRecord> extensions, LinkedHashMap<String, JsonNode> results) {

    /** Results kept per machine: redeliveries come within a batch or two, and 100,000 machines share a disk. */
    public static final int RESULTS_KEPT = 32;

    public static final MachineState EMPTY = new MachineState(Map.of(), new LinkedHashMap<>());

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
        return new MachineState(next, results);
    }

    public MachineState without(String name) {
        Map<String, InstalledRecord> next = new TreeMap<>(extensions);
        next.remove(name);
        return new MachineState(next, results);
    }

    public MachineState withoutAll() {
        return new MachineState(Map.of(), results);
    }

    public MachineState withResult(String operationId, JsonNode signedResult) {
        LinkedHashMap<String, JsonNode> next = new LinkedHashMap<>(results);
        next.remove(operationId);
        next.put(operationId, signedResult);
        while (next.size() > RESULTS_KEPT) {
            next.remove(next.keySet().iterator().next());
        }
        return new MachineState(extensions, next);
    }
}

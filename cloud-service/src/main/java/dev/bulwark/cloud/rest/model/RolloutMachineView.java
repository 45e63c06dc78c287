package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.repository.RolloutRepository.RolloutMachine;

/**
 * One machine of a rollout: its stage, state (Pending, Running, Succeeded, Failed, Blocked or Skipped) with
 * the error code, its operation, and what was predicted for it with the verdict once its outcome is known.
 */
public record RolloutMachineView(String machineId, int stage, String state, String errorCode, String operationId,
                                 Prediction prediction) {

    public record Prediction(String state, String errorCode, String rule, String verdict) {
    }

    public static RolloutMachineView of(RolloutMachine machine) {
        return new RolloutMachineView(machine.machineId(), machine.stage() + 1, machine.state(), machine.errorCode(),
                machine.operationId().toString(), new Prediction(machine.prediction().state(), machine.prediction().errorCode(),
                machine.prediction().rule(), machine.verdict()));
    }
}

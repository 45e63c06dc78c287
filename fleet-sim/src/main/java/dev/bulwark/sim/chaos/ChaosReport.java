package dev.bulwark.sim.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Json;
import dev.bulwark.sim.oracle.Oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one JSON object {@code ./bulwark chaos} prints (and writes with {@code --json}): how many operations ran,
 * what the oracle found (lost, duplicated, wrong), what the database still holds (operations not final, outbox
 * rows), each kill and how long its process took to serve again, and whether the canary was found anywhere.
 *
 * @param canaryFoundIn the tables, topics and files holding the canary in plaintext (empty: nowhere)
 * @param error         why the run stopped early (a process that did not come back, a timeout); null if it did not
 */
public record ChaosReport(long seed, int machines, int agentHosts, int rounds, long operations, Oracle.Verdict verdict,
                          Backlog backlog, List<KillSwitch.Outcome> kills, List<String> canaryFoundIn,
                          double workloadSeconds, double quiescenceSeconds, String error) {

    public boolean passed() {
        return error == null && verdict.lost() == 0 && verdict.duplicated() == 0 && verdict.wrong() == 0
                && verdict.correct() == operations && backlog.notFinal() == 0 && backlog.outboxRows() == 0
                && canaryFoundIn.isEmpty() && kills.stream().allMatch(KillSwitch.Outcome::recovered);
    }

    /** 0 only when nothing was lost, duplicated, wrong or left unfinished, the outbox is empty and the canary nowhere. */
    public int exitCode() {
        return passed() ? 0 : 1;
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("operations", operations);
        json.put("lost", verdict.lost());
        json.put("duplicated", verdict.duplicated());
        json.put("wrong", verdict.wrong());
        json.put("notFinal", backlog.notFinal());
        json.put("outboxRows", backlog.outboxRows());
        json.put("runningRollouts", backlog.runningRollouts());
        json.put("canaryFound", !canaryFoundIn.isEmpty());
        ArrayNode where = json.putArray("canaryFoundIn");
        canaryFoundIn.forEach(where::add);
        ArrayNode killed = json.putArray("kills");
        for (KillSwitch.Outcome kill : kills) {
            ObjectNode entry = killed.addObject().put("process", kill.process());
            entry.put("recoverySeconds", kill.recoverySeconds());
            entry.put("pipelineSeconds", kill.pipelineSeconds());
            entry.put("backlogSeconds", kill.backlogSeconds());
            entry.put("plannedAtOperation", kill.atOperation()).put("atOperation", kill.struckAtOperation())
                    .put("inFlight", kill.inFlight()).put("pid", kill.pid()).put("restartAttempts", kill.restartAttempts());
            if (kill.error() != null) {
                entry.put("error", kill.error());
            }
        }
        json.put("seed", seed);
        json.put("machines", machines);
        json.put("agentHosts", agentHosts);
        json.put("rounds", rounds);
        json.put("correct", verdict.correct());
        json.put("workloadSeconds", Math.round(workloadSeconds * 10) / 10.0);
        json.put("quiescenceSeconds", Math.round(quiescenceSeconds * 10) / 10.0);
        ArrayNode examples = json.putArray("examples");
        verdict.examples().forEach(examples::add);
        if (error != null) {
            json.put("error", error);
        }
        json.put("passed", passed());
        return json;
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
    }
}

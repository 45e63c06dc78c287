package dev.bulwark.sim.cli;

import dev.bulwark.e2e.CloudApi;
import dev.bulwark.sim.UpEnv;
import dev.bulwark.sim.fleet.Background;
import dev.bulwark.sim.fleet.ProcessCpu;
import dev.bulwark.sim.load.PutWorkload;
import dev.bulwark.sim.load.RolloutWorkload;
import dev.bulwark.sim.load.RunResult;
import dev.bulwark.sim.report.RunChart;
import dev.bulwark.sim.report.RunReport;
import dev.bulwark.sim.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code sim run SCENARIO}: drives a scenario's workload against a running system and checks every outcome. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Drive a scenario's workload (a rollout, or per-machine PUTs) against the system"
                + " ./bulwark up started; check every outcome against each machine's own rules; write a JSON report and a PNG chart.")
public final class RunCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SCENARIO", description = "Scenario file (default: the one ./bulwark up used).")
    Path scenarioFile;

    @Option(names = "--machines", description = "Machines of the fleet (default: as up.env says).")
    Integer machines;

    @Option(names = "--env", description = "The running system's addresses (default: .bulwark/up.env).")
    Path env = Path.of(".bulwark/up.env");

    @Option(names = "--json", description = "Where to write the report (default: .bulwark/reports/run-<time>.json).")
    Path json;

    @Option(names = "--timeout", description = "Longest the workload may take (ISO-8601, default PT30M).")
    Duration timeout = Duration.ofMinutes(30);

    @Override
    public Integer call() throws Exception {
        UpEnv up = UpEnv.read(env);
        Scenario fleetRules = Scenario.read(Path.of(up.require(UpEnv.SCENARIO)));
        Scenario scenario = scenarioFile != null ? Scenario.read(scenarioFile) : fleetRules;
        if (!scenario.sameRulesAs(fleetRules)) {
            // The oracle derives each machine's rules from the scenario: other rules would make right outcomes look wrong.
            System.err.println("Scenario " + scenario.name() + " gives machines other local rules (seed and rules) than "
                    + fleetRules.name() + ", which the running fleet has: start it with ./bulwark up --scenario " + scenarioFile);
            return 2;
        }
        int fleet = machines != null ? machines : Integer.parseInt(up.require(UpEnv.MACHINES));
        CloudApi api = new CloudApi(up.require(UpEnv.URL), up.ca(), up.require(UpEnv.SUBSCRIPTION), up.require(UpEnv.RESOURCE_GROUP),
                up.require(UpEnv.TOKEN));
        String run = UUID.randomUUID().toString().substring(0, 8);
        Scenario.Workload workload = scenario.workload();
        System.out.printf("Scenario %s on %d machines (%s), run %s%n", scenario.name(), fleet, workload.isRollout() ? "one rollout"
                : workload.inFlight() != null ? "PUTs, " + workload.inFlight() + " in flight" : "PUTs at " + workload.rate() + "/s", run);
        // CPU per operation of what ./bulwark up started, when it runs here.
        Background background = Background.in(UpMain.UP);
        List<Background.Started> processes = background.started();
        ProcessCpu before = ProcessCpu.sample(processes, UpMain.UP);
        ProcessCpu[] after = new ProcessCpu[1];
        Runnable ended = () -> after[0] = ProcessCpu.sample(BenchCommand.startedQuietly(background), UpMain.UP);
        Instant startedAt = Instant.now();
        RunResult result = workload.isRollout() ? RolloutWorkload.run(api, scenario, fleet, run, timeout, ended)
                : PutWorkload.run(api, scenario, fleet, run, timeout, ended);
        Path report = json != null ? json : Path.of(".bulwark/reports/run-" + run + ".json");
        RunReport written = Reports.write(report, scenario, result, fleet, null, null, count(processes, "cloud"),
                count(processes, "fleet"), startedAt, before.seconds().isEmpty() ? null : after[0].msPerOperationSince(before, result.operations()));
        System.out.println(written.summary());
        return Reports.exitCode(result);
    }

    /** Null when no process of that kind is known (a system started otherwise than by ./bulwark up). */
    private static Integer count(List<Background.Started> processes, String kind) {
        long count = processes.stream().filter(process -> process.name().startsWith(kind)).count();
        return count == 0 ? null : (int) count;
    }
}

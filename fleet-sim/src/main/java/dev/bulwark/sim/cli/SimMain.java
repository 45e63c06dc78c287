package dev.bulwark.sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./bulwark sim}: simulated fleets and load tests. */
@Command(name = "bulwark sim", mixinStandardHelpOptions = true,
        description = "Simulated fleets on the real agent core, load tests with an oracle, their report, and the fault suite (chaos).",
        subcommands = {FleetCommand.class, RunCommand.class, BaselineCommand.class, BenchCommand.class, ChaosCommand.class})
public final class SimMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new SimMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

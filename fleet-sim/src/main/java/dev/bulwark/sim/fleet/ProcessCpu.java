package dev.bulwark.sim.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system, from {@code /proc/<pid>/stat}) of the processes a run started, grouped as the
 * report shows them: cloud, fleet, broker, postgres (its server process, which detaches from whoever started
 * it, and all its backends, found by the data folder under {@code workDir}). Two samples taken around a
 * workload give each part's CPU per operation, which says what bounds the run better than wall time on a
 * shared machine. Linux only; elsewhere the sample is empty.
 */
public record ProcessCpu(Map<String, Double> seconds) {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on every Linux this runs on
    private static final String BROKER = "dev.bulwark.infra.BrokerMain";

    public static ProcessCpu sample(List<Background.Started> started, Path workDir) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (Background.Started process : started) {
            ProcessHandle.of(process.pid()).ifPresent(handle -> Stream.concat(Stream.of(handle), handle.descendants())
                    .forEach(part -> seconds.merge(group(process.name(), part), cpuSeconds(part.pid()), Double::sum)));
        }
        String dataDir = workDir.toAbsolutePath().toString();
        ProcessHandle.allProcesses()
                .filter(process -> process.info().command().orElse("").endsWith("/postgres")
                        && process.info().arguments().map(arguments -> String.join(" ", arguments).contains(dataDir)).orElse(false))
                .flatMap(server -> Stream.concat(Stream.of(server), server.descendants()))
                .forEach(part -> seconds.merge("postgres", cpuSeconds(part.pid()), Double::sum));
        return new ProcessCpu(seconds);
    }

    /** Milliseconds of CPU per operation between {@code before} and this sample. */
    public Map<String, Double> msPerOperationSince(ProcessCpu before, long operations) {
        Map<String, Double> perOperation = new LinkedHashMap<>();
        seconds.forEach((group, now) -> perOperation.put(group,
                (now - before.seconds().getOrDefault(group, 0.0)) * 1000.0 / Math.max(1, operations)));
        return perOperation;
    }

    private static String group(String startedAs, ProcessHandle part) {
        if (part.info().commandLine().orElse("").contains(BROKER)) {
            return "broker";
        }
        return startedAs.replaceAll("-\\d+$", "");
    }

    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (2nd field) may hold spaces: count fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

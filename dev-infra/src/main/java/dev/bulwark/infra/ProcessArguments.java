package dev.bulwark.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A process's whole argument list. {@code ProcessHandle.Info.arguments()} is empty on Linux once the command line is
 * longer than 4,096 bytes (and {@code commandLine()} is cut there), which a JVM with a long classpath, such as the
 * Kafka broker, always is; {@code /proc/<pid>/cmdline} has all of it.
 */
public final class ProcessArguments {
    private ProcessArguments() {
    }

    /** The arguments after the command, from {@code /proc} where there is one, else from {@code ProcessHandle.Info}. */
    public static Optional<List<String>> of(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            byte[] bytes = Files.readAllBytes(cmdline);
            if (bytes.length > 0) {
                List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\0"));
                return Optional.of(all.subList(1, all.size()));
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux), or the process is gone: ProcessHandle.Info below.
        }
        return process.info().arguments().map(Arrays::asList);
    }

    /** True when {@code process} was given {@code argument} (e.g. the broker its properties file). */
    public static boolean contains(ProcessHandle process, String argument) {
        return of(process).map(arguments -> arguments.contains(argument)).orElse(false);
    }
}

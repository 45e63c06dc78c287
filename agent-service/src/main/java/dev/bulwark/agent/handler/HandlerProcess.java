package dev.bulwark.agent.handler;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of one handler command as a real process: no shell, a cleared environment, its own session (so
 * its process group can be killed), its output captured to files the agent owns, and a deadline. Past the
 * deadline the whole tree goes: every process in the extension's cgroup when there is one, else the
 * session's process group and every descendant the JDK can see.
 */
final class HandlerProcess {
    /** The protocol cuts messages at 1 KB. */
    static final int TAIL_BYTES = 1024;

    record Result(int exitCode, boolean timedOut, String stdoutTail, String stderrTail, Duration took) {
        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    private HandlerProcess() {
    }

    /**
     * @param launchPrefix what goes before the command: joining the cgroup, a new session, the user switch
     * @param command      the program (an absolute path inside the package) and its arguments
     */
    static Result run(List<String> launchPrefix, List<String> command, Path workDir, Map<String, String> environment,
                      Path stdout, Path stderr, Duration timeout, ExtensionCgroups.Group group) throws IOException {
        List<String> argv = new ArrayList<>(launchPrefix);
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process, group);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the handler ran; its processes were killed", e);
        }
        if (!finished) {
            killTree(process, group);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return new Result(finished ? process.exitValue() : -1, !finished, tail(stdout), tail(stderr), took);
    }

    /** Kills the command and everything it started, however it detached. */
    static void killTree(Process process, ExtensionCgroups.Group group) {
        List<ProcessHandle> descendants = process.descendants().toList();
        signalGroup(process.pid()); // setsid made the command's pid its process group id
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        if (group != null) {
            group.killAll(Duration.ofSeconds(5));
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void signalGroup(long processGroup) {
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + processGroup).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill program: the cgroup and the descendants above still go
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@value #TAIL_BYTES} bytes of a captured output, as text. */
    static String tail(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, TAIL_BYTES);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
    }
}

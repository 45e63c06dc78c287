package dev.bulwark.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged agent's CLI ({@code bulwark-agent}) as a separate process, exactly as an administrator would. */
public final class AgentCli {
    private final Path jar;

    public AgentCli(Path jar) {
        this.jar = jar;
    }

    public record Result(int exitCode, String output) {
        public Result orThrow(List<String> args) {
            if (exitCode != 0) {
                throw new IllegalStateException("bulwark-agent " + String.join(" ", args) + " exited " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    public Result run(List<String> args) {
        List<String> command = new ArrayList<>(List.of(QuarkusProcess.javaExecutable(), "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("bulwark-agent " + args + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run bulwark-agent: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Result runOrThrow(String... args) {
        return run(List.of(args)).orThrow(List.of(args));
    }
}

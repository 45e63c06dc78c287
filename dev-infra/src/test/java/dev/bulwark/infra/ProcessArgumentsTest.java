package dev.bulwark.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A command line longer than ProcessHandle.Info shows (a broker's classpath) is still read whole. */
class ProcessArgumentsTest {

    @Test
    void aLongCommandLineIsReadWhole() throws Exception {
        String classpath = "/some/jar.jar:".repeat(500); // 7,000 characters, as long as a broker's classpath
        Process process = new ProcessBuilder("sh", "-c", "sleep 30", classpath, "server.properties").start();
        try {
            assertThat(ProcessArguments.contains(process.toHandle(), "server.properties")).isTrue();
            assertThat(ProcessArguments.contains(process.toHandle(), "other.properties")).isFalse();
            assertThat(ProcessArguments.of(process.toHandle())).hasValueSatisfying(arguments ->
                    assertThat(arguments).containsExactly("-c", "sleep 30", classpath, "server.properties"));
        } finally {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}

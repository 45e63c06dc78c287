package dev.bulwark.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunChartTest {

    private static final Instant START = Instant.parse("2025-06-01T10:00:00Z");

    @Test
    void writesAPngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        RunRecorder recorder = new RunRecorder(START);
        // Ten seconds of a ramp: more operations and more latency each second, one idle second.
        for (int second = 0; second < 10; second++) {
            if (second == 4) {
                continue;
            }
            for (int i = 0; i < 50 * (second + 1); i++) {
                Instant finished = START.plusSeconds(second).plusMillis(i % 1000);
                recorder.record(finished.minusMillis(20L + second * 10L + i % 7), finished);
            }
        }
        Path png = dir.resolve("charts/run");   // no extension: the file must still be exactly this one

        Path written = RunChart.write(png, recorder, "install, 10,000 machines");

        assertThat(written).isEqualTo(png);
        assertThat(Files.size(png)).isGreaterThan(1000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(RunChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(RunChart.HEIGHT);
        assertThat(Files.exists(dir.resolve("charts/run.png"))).isFalse();
    }

    @Test
    void aRunWhereNothingFinishedStillGetsAChart(@TempDir Path dir) throws Exception {
        Path png = RunChart.write(dir.resolve("empty.png"), new RunRecorder(START), "nothing finished");

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(RunChart.WIDTH);
    }
}

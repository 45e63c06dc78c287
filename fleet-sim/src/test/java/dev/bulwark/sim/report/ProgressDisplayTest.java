package dev.bulwark.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void withoutATerminalPrintsPlainLinesAtMostEveryTwoSecondsAndTheEnd() {
        SteppingClock clock = new SteppingClock();
        try (ProgressDisplay progress = new ProgressDisplay("install", 1000, out, false, clock)) {
            progress.update(0, null);                     // t=0: printed, the first line
            clock.advance(Duration.ofMillis(1900));
            progress.update(400, "400 ops/s");            // t=1.9 s: held back
            clock.advance(Duration.ofMillis(100));
            progress.update(500, "450 ops/s");            // t=2.0 s: printed
            clock.advance(Duration.ofMillis(500));
            progress.update(1000, "done soon");           // t=2.5 s: held back, then printed by close
        }

        assertThat(text().lines().toList()).containsExactly(
                "install: 0/1,000 (0.0%)",
                "install: 500/1,000 (50.0%)  450 ops/s",
                "install: 1,000/1,000 (100.0%)  done soon");
        assertThat(text()).doesNotContain("\r");
    }

    @Test
    void closeDoesNotRepeatALineAlreadyPrinted() {
        SteppingClock clock = new SteppingClock();
        ProgressDisplay progress = new ProgressDisplay("upgrade", 10, out, false, clock);
        progress.update(10, null);
        progress.close();
        progress.close();
        progress.update(11, null); // after close: ignored

        assertThat(text().lines().toList()).containsExactly("upgrade: 10/10 (100.0%)");
    }

    @Test
    void onATerminalDrawsTheBarInPlace() {
        try (ProgressDisplay progress = new ProgressDisplay("install", 1000, out, true, new SteppingClock())) {
            progress.update(250, "warming up");
        }

        // The bar redraws one line with carriage returns and shows the count and the message.
        assertThat(text()).contains("\r").contains("install").contains("250/1000").contains("warming up");
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A clock the test moves, so the 2-second rule is checked without waiting. */
    private static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2025-06-01T10:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

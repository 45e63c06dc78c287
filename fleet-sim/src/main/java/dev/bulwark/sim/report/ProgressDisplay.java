package dev.bulwark.sim.report;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long run on the console: an animated bar on a terminal; where stdout is a file or a CI
 * log, where a redrawn bar is noise, a plain line at most every {@link #PLAIN_INTERVAL} and one at the
 * end.
 */
public final class ProgressDisplay implements AutoCloseable {

    static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);

    private final String taskName;
    private final long total;
    private final PrintStream out;
    private final Clock clock;
    private final ProgressBar bar;
    private Instant lastPrinted;
    private String lastLine;
    private String pendingLine;
    private boolean closed;

    /** On stdout: the bar when stdout is a terminal, plain lines otherwise. */
    public ProgressDisplay(String taskName, long total) {
        // Java 17: System.console() is null as soon as stdin or stdout is not a terminal.
        this(taskName, total, System.out, System.console() != null, Clock.systemUTC());
    }

    ProgressDisplay(String taskName, long total, PrintStream out, boolean terminal, Clock clock) {
        this.taskName = taskName;
        this.total = total;
        this.out = out;
        this.clock = clock;
        this.bar = terminal ? new ProgressBarBuilder()
                .setTaskName(taskName)
                .setInitialMax(total)
                // Plain ASCII: the Unicode blocks turn to garbage on terminals not set to UTF-8 (ssh, screen).
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build() : null;
    }

    /** {@code done} of the total so far; {@code extraMessage} (may be null) follows the count. */
    public synchronized void update(long done, String extraMessage) {
        if (closed) {
            return;
        }
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(extraMessage == null ? "" : extraMessage);
            return;
        }
        pendingLine = line(done, extraMessage);
        Instant now = clock.instant();
        if (lastPrinted == null || !now.isBefore(lastPrinted.plus(PLAIN_INTERVAL))) {
            print(now);
        }
    }

    /** Ends the bar, or prints the last state if the interval held it back. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bar != null) {
            bar.close();
        } else if (pendingLine != null && !pendingLine.equals(lastLine)) {
            print(clock.instant());
        }
    }

    private void print(Instant now) {
        out.println(pendingLine);
        out.flush();
        lastLine = pendingLine;
        lastPrinted = now;
    }

    private String line(long done, String extraMessage) {
        String percent = total > 0 ? String.format(Locale.ROOT, " (%.1f%%)", 100.0 * done / total) : "";
        String extra = extraMessage == null || extraMessage.isBlank() ? "" : "  " + extraMessage;
        return String.format(Locale.ROOT, "%s: %,d/%,d%s%s", taskName, done, total, percent, extra);
    }
}

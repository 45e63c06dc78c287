package dev.bulwark.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, for the demo (tests use Awaitility). */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            QuarkusProcess.pause(250);
        }
    }
}

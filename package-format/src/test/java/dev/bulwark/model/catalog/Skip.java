package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Assumptions;

/** Skips a test only with a printed reason, so a skipped test is never silent. */
final class Skip {
    private Skip() {
    }

    static void unless(boolean condition, String why) {
        if (!condition) {
            String caller = StackWalker.getInstance().walk(s -> s.skip(1).findFirst().map(f -> f.getClassName() + "." + f.getMethodName()).orElse("?"));
            System.err.println("SKIPPED " + caller + ": " + why);
            System.out.println("SKIPPED " + caller + ": " + why);
        }
        Assumptions.assumeTrue(condition, why);
    }
}

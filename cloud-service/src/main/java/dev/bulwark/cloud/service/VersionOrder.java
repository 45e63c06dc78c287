package dev.bulwark.cloud.service;

import java.util.Comparator;

/**
 * Orders extension versions as handlers number them: dot-separated, numerically where both parts are
 * numbers ({@code 1.10 > 1.9}), otherwise by text; a missing part counts as zero ({@code 1.2 == 1.2.0}).
 */
public final class VersionOrder implements Comparator<String> {
    public static final VersionOrder INSTANCE = new VersionOrder();

    private VersionOrder() {
    }

    @Override
    public int compare(String left, String right) {
        String[] a = left.trim().split("\\.");
        String[] b = right.trim().split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int order = comparePart(i < a.length ? a[i] : "0", i < b.length ? b[i] : "0");
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static int comparePart(String a, String b) {
        boolean numeric = a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)
                && !a.isEmpty() && !b.isEmpty();
        if (numeric) {
            String x = a.replaceFirst("^0+(?=.)", "");
            String y = b.replaceFirst("^0+(?=.)", "");
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        }
        return a.compareToIgnoreCase(b);
    }
}

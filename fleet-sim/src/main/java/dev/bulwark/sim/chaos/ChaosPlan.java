package dev.bulwark.sim.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * When {@code ./bulwark chaos} kills what: every process once (in an order drawn from the seed), then
 * {@code extraKills} more drawn among them, each at an operation count drawn uniformly from 5% to 85% of the
 * workload, in the order of those counts, and at a point of the rollout then running drawn from 0 to 60% of it. The
 * same seed, processes and size give the same plan.
 */
public record ChaosPlan(long seed, List<Kill> kills) {

    /**
     * Kill {@code process} once {@code atOperation} operations of the workload have their outcome, when the rollout
     * then running has at least {@code withinRound} (0 to 0.6) of its operations done and more to do.
     */
    public record Kill(String process, long atOperation, double withinRound) {
    }

    public ChaosPlan {
        kills = List.copyOf(kills);
    }

    public static ChaosPlan draw(long seed, List<String> processes, int extraKills, long operations) {
        if (processes.isEmpty() || operations < 1 || extraKills < 0) {
            throw new IllegalArgumentException("a plan needs processes, operations and no negative extra kills");
        }
        Random random = new Random(seed);
        List<String> victims = new ArrayList<>(processes);
        Collections.shuffle(victims, random);
        for (int extra = 0; extra < extraKills; extra++) {
            victims.add(processes.get(random.nextInt(processes.size())));
        }
        long from = Math.max(1, operations * 5 / 100);
        long to = Math.max(from + 1, operations * 85 / 100);
        List<Kill> kills = new ArrayList<>();
        for (String victim : victims) {
            long at = from + (long) (random.nextDouble() * (to - from));
            kills.add(new Kill(victim, at, Math.round(random.nextDouble() * 60) / 100.0));
        }
        kills.sort(Comparator.comparingLong(Kill::atOperation));
        return new ChaosPlan(seed, kills);
    }
}

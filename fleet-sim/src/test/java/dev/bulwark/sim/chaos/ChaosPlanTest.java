package dev.bulwark.sim.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosPlanTest {
    private static final List<String> PROCESSES = List.of("agent-host", "cloud", "kafka", "postgresql");

    @Test
    void everyProcessIsKilledAtLeastOnceBetweenFiveAndEightyFivePercentInOrderAndWithinARollout() {
        ChaosPlan plan = ChaosPlan.draw(7, PROCESSES, 3, 10_000);

        assertThat(plan.kills()).hasSize(7);
        assertThat(plan.kills()).extracting(ChaosPlan.Kill::process).containsAll(PROCESSES);
        assertThat(plan.kills()).allSatisfy(kill -> assertThat(kill.atOperation()).isBetween(500L, 8_500L));
        assertThat(plan.kills()).extracting(ChaosPlan.Kill::atOperation).isSorted();
        assertThat(plan.kills()).allSatisfy(kill -> assertThat(kill.withinRound()).isBetween(0.0, 0.6));
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnotherOne() {
        assertThat(ChaosPlan.draw(42, PROCESSES, 0, 2_000)).isEqualTo(ChaosPlan.draw(42, PROCESSES, 0, 2_000));
        assertThat(ChaosPlan.draw(42, PROCESSES, 0, 2_000).kills()).isNotEqualTo(ChaosPlan.draw(43, PROCESSES, 0, 2_000).kills());
    }

    @Test
    void aTinyWorkloadStillGetsEveryKill() {
        ChaosPlan plan = ChaosPlan.draw(1, PROCESSES, 0, 1);

        assertThat(plan.kills()).extracting(ChaosPlan.Kill::process).containsExactlyInAnyOrderElementsOf(PROCESSES);
        assertThat(plan.kills()).allSatisfy(kill -> assertThat(kill.atOperation()).isEqualTo(1));
    }

    @Test
    void aPlanNeedsProcessesAndOperations() {
        assertThatThrownBy(() -> ChaosPlan.draw(1, List.of(), 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosPlan.draw(1, PROCESSES, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosPlan.draw(1, PROCESSES, -1, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}

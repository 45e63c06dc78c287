package dev.bulwark.agent.guest;

import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestAssignment.Rule;
import dev.bulwark.model.GuestAssignment.RuleKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GuestStoreTest {
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @TempDir
    Path home;

    @Test
    void aNewerVersionOfAnAssignmentReplacesTheOlderOne() throws Exception {
        GuestStore store = new GuestStore(home, false);
        store.accept(assignment("v1", "ssh-hardening", T0, false), "r1");

        assertThat(store.accept(assignment("v2", "SSH-hardening", T0.plusSeconds(60), false), "r2"))
                .isEqualTo(GuestStore.Acceptance.KEPT);

        assertThat(store.read().assignments()).containsOnlyKeys("v2");
    }

    @Test
    void anOlderVersionArrivingLateIsIgnored() throws Exception {
        GuestStore store = new GuestStore(home, false);
        store.accept(assignment("v2", "ssh-hardening", T0.plusSeconds(60), false), "r2");

        assertThat(store.accept(assignment("v1", "ssh-hardening", T0, false), "r1")).isEqualTo(GuestStore.Acceptance.STALE);

        assertThat(store.read().assignments()).containsOnlyKeys("v2");
    }

    @Test
    void assignmentsOfOtherNamesAreKeptSideBySide() throws Exception {
        GuestStore store = new GuestStore(home, false);
        store.accept(assignment("a", "ssh-hardening", T0, false), "r");
        store.accept(assignment("b", "audit-logs", T0.plusSeconds(1), false), "r");

        assertThat(store.read().assignments()).containsOnlyKeys("a", "b");
    }

    private static GuestAssignment assignment(String id, String name, Instant issuedAt, boolean removed) {
        return new GuestAssignment(1, id, "/subscriptions/s/resourcegroups/rg/providers/microsoft.hybridcompute/machines/m",
                name, List.of(new Rule("r", RuleKind.FileExists, "/etc/hostname", null)), removed, issuedAt, "sig");
    }
}

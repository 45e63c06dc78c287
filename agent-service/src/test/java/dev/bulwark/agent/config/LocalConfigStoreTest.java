package dev.bulwark.agent.config;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.policy.LocalRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules in force and the change time reported with them ({@code changedAt}: the file's modification time). */
class LocalConfigStoreTest {
    private static final ExtensionId CUSTOM_SCRIPT = ExtensionId.parse("Microsoft.Azure.Extensions/CustomScript");

    @TempDir
    Path home;

    @Test
    void aConfigurationNeverWrittenHasNoChangeTime() {
        LocalConfigStore store = new LocalConfigStore(home);

        assertThat(store.inForce()).isEqualTo(new LocalConfigStore.InForce(LocalRules.DEFAULT, null));
        assertThat(store.snapshot().changedAt()).isNull();
        assertThat(store.snapshot().config().effective(null).changedAt()).isNull();
    }

    @Test
    void theChangeTimeIsThatOfTheContentTheRulesCameFrom() throws IOException {
        LocalConfigStore store = new LocalConfigStore(home);
        Instant first = Instant.parse("2026-11-28T17:02:11.250Z");
        Instant second = Instant.parse("2026-11-29T08:00:00.001Z");

        write(store.file(), "{\"extensions.blocklist\":[\"Microsoft.Azure.Extensions/CustomScript\"]}", first);
        LocalConfigStore.InForce blocked = store.inForce();
        write(store.file(), "{\"extensions.enabled\":false}", second);
        LocalConfigStore.InForce disabled = store.inForce();

        assertThat(blocked.changedAt()).isEqualTo(first);
        assertThat(blocked.rules().blocklist()).containsExactly(CUSTOM_SCRIPT);
        assertThat(disabled.changedAt()).isEqualTo(second);
        assertThat(disabled.rules().extensionsEnabled()).isFalse();
        assertThat(disabled.rules().blocklist()).isEmpty();
        LocalConfigStore.Snapshot snapshot = store.snapshot();
        assertThat(snapshot.changedAt()).isEqualTo(second);
        assertThat(snapshot.config().effective(snapshot.changedAt()).changedAt()).isEqualTo(second);
    }

    @Test
    void aChangeByTheCliMovesTheChangeTimeForward() throws Exception {
        LocalConfigStore store = new LocalConfigStore(home);
        write(store.file(), "{}", Instant.parse("2026-01-01T00:00:00Z"));
        Instant before = store.inForce().changedAt();

        store.update(current -> ConfigEdit.set(current, "extensions.blocklist", CUSTOM_SCRIPT.toString(), ConfigEdit.ListChange.REPLACE));

        LocalConfigStore.InForce after = store.inForce();
        assertThat(after.changedAt()).isAfter(before)
                .isEqualTo(Instant.ofEpochMilli(Files.getLastModifiedTime(store.file()).toMillis()));
        assertThat(after.rules().blocklist()).containsExactly(CUSTOM_SCRIPT);
    }

    private static void write(Path file, String content, Instant modified) throws IOException {
        Path temp = Files.writeString(file.resolveSibling("next.json"), content);
        Files.setLastModifiedTime(temp, FileTime.from(modified));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

package dev.bulwark.agent.pkg;

import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.crypto.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustStoreTest {
    private static final KeyPair OLD = Ed25519.generate();
    private static final KeyPair NEW = Ed25519.generate();

    @TempDir
    Path home;

    @Test
    void keysAreAddedListedAndRemovedWithPrivateModes() throws Exception {
        TrustStore store = new TrustStore(home);
        TrustStore.TrustedKey added = store.add(OLD.getPublic());
        store.add(NEW.getPublic());
        store.add(NEW.getPublic());

        assertThat(store.list()).extracting(TrustStore.TrustedKey::keyId).containsExactlyInAnyOrder(
                TrustedKeys.keyId(OLD.getPublic()), TrustedKeys.keyId(NEW.getPublic()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(added.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory()))).isEqualTo("rwx------");
        assertThat(KeyFiles.readPublic(added.file())).isEqualTo(OLD.getPublic());

        assertThat(store.remove(TrustedKeys.keyId(OLD.getPublic()).substring(0, 12)).keyId()).isEqualTo(added.keyId());
        assertThat(store.keys().keyIds()).containsExactly(TrustedKeys.keyId(NEW.getPublic()));
        assertThat(store.remove("00000000")).isNull();
        assertThatThrownBy(() -> store.remove("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHomeWithoutTrustFolderTrustsNothing() throws Exception {
        assertThat(new TrustStore(home).keys().isEmpty()).isTrue();
    }

    @Test
    void aKeyFileWritableByOthersFailsClosed() throws Exception {
        TrustStore store = new TrustStore(home);
        Path file = store.add(OLD.getPublic()).file();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertInvalid(store, "writable by other users");
    }

    @Test
    void aSymbolicLinkInTheTrustFolderFailsClosed() throws Exception {
        TrustStore store = new TrustStore(home);
        store.add(OLD.getPublic());
        Path elsewhere = Files.writeString(home.resolve("attacker.pub"), Ed25519.encodePublic(NEW.getPublic()));
        Files.createSymbolicLink(store.directory().resolve("attacker.pub"), elsewhere);

        assertInvalid(store, "symbolic link");
    }

    @Test
    void aFileThatIsNotAKeyFailsClosed() throws Exception {
        TrustStore store = new TrustStore(home);
        store.add(OLD.getPublic());
        Path junk = store.directory().resolve("junk.pub");
        Files.writeString(junk, "not a key");
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));

        assertInvalid(store, "junk.pub");
    }

    private static void assertInvalid(TrustStore store, String messagePart) {
        assertThatThrownBy(store::keys).isInstanceOfSatisfying(VerificationException.class, e -> {
            assertThat(e.reason()).isEqualTo(VerificationFailure.TrustStoreInvalid);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}

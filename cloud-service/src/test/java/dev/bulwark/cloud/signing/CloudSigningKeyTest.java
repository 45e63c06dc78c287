package dev.bulwark.cloud.signing;

import dev.bulwark.model.crypto.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudSigningKeyTest {

    @Test
    void theKeyIsCreatedOnceWithAnOwnerOnlyPrivateFileAndThenReused(@TempDir Path home) throws Exception {
        Path dir = home.resolve("cloud");

        KeyPair created = CloudSigningKey.loadOrCreate(dir);
        KeyPair loaded = CloudSigningKey.loadOrCreate(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(CloudSigningKey.PRIVATE_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(Ed25519.encodePublic(loaded.getPublic())).isEqualTo(Ed25519.encodePublic(created.getPublic()));
        assertThat(loaded.getPrivate().getEncoded()).isEqualTo(created.getPrivate().getEncoded());
    }

    @Test
    void aPrivateKeyWithoutItsPublicHalfIsNotSilentlyReplaced(@TempDir Path home) throws Exception {
        CloudSigningKey.loadOrCreate(home);
        Files.delete(home.resolve(CloudSigningKey.PUBLIC_FILE));

        assertThatThrownBy(() -> CloudSigningKey.loadOrCreate(home)).hasMessageContaining(CloudSigningKey.PUBLIC_FILE);
    }
}

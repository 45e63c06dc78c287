package dev.bulwark.cloud.signing;

import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.crypto.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogSigningKeyTest {

    @Test
    void theCatalogKeyIsItsOwnOwnerOnlyKeyAndIsReused(@TempDir Path home) throws Exception {
        Path dir = home.resolve("cloud");
        KeyPair cloudKey = CloudSigningKey.loadOrCreate(dir);

        KeyPair created = CatalogSigningKey.loadOrCreate(dir);
        KeyPair loaded = CatalogSigningKey.loadOrCreate(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(CatalogSigningKey.PRIVATE_FILE))))
                .isEqualTo("rw-------");
        assertThat(Ed25519.encodePublic(loaded.getPublic())).isEqualTo(Ed25519.encodePublic(created.getPublic()));
        assertThat(Ed25519.encodePublic(created.getPublic())).isNotEqualTo(Ed25519.encodePublic(cloudKey.getPublic()));
        // The publisher tools read it: an operator can sign a catalog offline with the cloud's key.
        assertThat(KeyFiles.readPrivate(dir.resolve(CatalogSigningKey.PRIVATE_FILE)).getPublic().getEncoded())
                .isEqualTo(created.getPublic().getEncoded());
        assertThat(KeyFiles.readPublic(dir.resolve(CatalogSigningKey.PUBLIC_FILE)).getEncoded())
                .isEqualTo(created.getPublic().getEncoded());
    }
}

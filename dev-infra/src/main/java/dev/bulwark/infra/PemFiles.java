package dev.bulwark.infra;

import dev.bulwark.model.files.PrivateFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * PEM files of {@link LocalPki}: certificates (0644, anyone may read them) and private keys (PKCS#8, 0600),
 * each written whole or not at all ({@link PrivateFiles}: a temporary file with its final permissions, then a rename), so a crash
 * or a second process never sees half a key.
 */
final class PemFiles {
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private PemFiles() {
    }

    static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        write(file, pem(certificate), false);
    }

    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        write(file, pem(new JcaPKCS8Generator(key, null)), true);
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (read instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new IOException(file + " holds no unencrypted private key");
        }
    }

    /** A directory for private keys: created 0700 (an existing one is left as it is). */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.toAbsolutePath().getParent());
        Files.createDirectories(dir, attributes(PRIVATE_DIR, dir.toAbsolutePath().getParent()));
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static void write(Path file, String content, boolean secret) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        if (secret) {
            PrivateFiles.write(file, bytes, true);
        } else {
            PrivateFiles.writeWorldReadable(file, bytes, true);
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions, Path dir) {
        return isPosix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    private static boolean isPosix(Path dir) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix") && dir != null;
    }
}

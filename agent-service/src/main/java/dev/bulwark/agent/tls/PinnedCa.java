package dev.bulwark.agent.tls;

import dev.bulwark.model.crypto.TlsTrust;
import dev.bulwark.model.files.PrivateFiles;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The cloud's CA certificate as the administrator pinned it at {@code connect --ca FILE}, kept in
 * {@code HOME/cloud-ca.pem} (0600, written atomically): a local trust root like the cloud's signing key.
 * Every HTTPS request the machine makes (registration, catalog and package downloads, the private-endpoint
 * route) trusts this CA and nothing else, not the JVM's default trust store. Only {@code connect} on the
 * machine writes or removes it; nothing the cloud sends can. A machine without one trusts the JVM's default
 * trust store (a cloud with a publicly trusted certificate).
 */
public final class PinnedCa {
    public static final String FILE = "cloud-ca.pem";

    private final byte[] pem;
    private final TlsTrust trust;

    private PinnedCa(byte[] pem, TlsTrust trust) {
        this.pem = pem.clone();
        this.trust = trust;
    }

    /** The certificate(s) of a PEM text; {@link IllegalArgumentException} when it holds none. */
    public static PinnedCa fromPem(byte[] pem) {
        return new PinnedCa(pem, TlsTrust.fromPem(pem));
    }

    public static PinnedCa fromFile(Path file) throws IOException {
        byte[] pem = Files.readAllBytes(file);
        try {
            return fromPem(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The CA this machine pinned, or null when it trusts the JVM's default trust store. */
    public static PinnedCa inHome(Path home) throws IOException {
        byte[] pem = readPem(home);
        return pem == null ? null : fromPem(pem);
    }

    /** The pinned file's bytes, or null: cheap enough to read for every download, to notice a new pin at once. */
    public static byte[] readPem(Path home) throws IOException {
        return PrivateFiles.readIfExists(home.resolve(FILE));
    }

    public void storeIn(Path home, boolean durable) throws IOException {
        PrivateFiles.write(home.resolve(FILE), pem, durable);
    }

    /** Forgets the pin (connect without --ca): from then on the JVM's default trust store applies. */
    public static boolean removeFrom(Path home) throws IOException {
        try {
            Files.delete(home.resolve(FILE));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The CA certificate's SHA-256 fingerprint, as {@code openssl x509 -noout -fingerprint -sha256} prints it. */
    public String fingerprint() {
        return trust.fingerprint();
    }

    public String subject() {
        return trust.certificates().get(0).getSubjectX500Principal().getName();
    }

    /** TLS that trusts this CA alone. */
    public SSLContext sslContext() {
        return trust.sslContext();
    }
}

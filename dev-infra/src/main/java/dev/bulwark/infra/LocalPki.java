package dev.bulwark.infra;

import dev.bulwark.model.crypto.TlsTrust;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The local certificate authority of a Bulwark started from a checkout ({@code ./bulwark demo | up | cloud},
 * the tests): a CA and a server certificate it signed for this machine ({@code localhost}, {@code 127.0.0.1},
 * {@code ::1} and the host name), as PEM files in one folder:
 * <pre>
 * ca.pem           the CA certificate: what clients trust (agents pin it with connect --ca)   0644
 * ca-key.pem       the CA's private key                                                         0600
 * server.pem       the cloud's certificate (API and storage endpoint)                           0644
 * server-key.pem   its private key                                                              0600
 * </pre>
 * {@link #ensure} makes what is missing and keeps what is there, so a restarted cloud serves the certificate
 * its agents already trust. The server certificate alone is made again when it expires within 30 days, was
 * not signed by this CA, or lacks one of the names. The cloud itself only reads the PEM paths from its
 * configuration ({@link #quarkusConfig()}); on a real server or Kubernetes they come from elsewhere.
 */
public final class LocalPki {
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Path dir;

    private LocalPki(Path dir) {
        this.dir = dir;
    }

    /** The CA and server certificate under {@code dir}, made now where missing; names: this machine's. */
    public static LocalPki ensure(Path dir) {
        return ensure(dir, machineNames());
    }

    /** As {@link #ensure(Path)}, for a server certificate naming {@code serverNames} (DNS names, IP literals). */
    public static synchronized LocalPki ensure(Path dir, List<String> serverNames) {
        LocalPki pki = new LocalPki(dir.toAbsolutePath().normalize());
        try {
            PemFiles.createPrivateDirectory(pki.dir);
            CertificateIssuer.Issued ca = pki.readAuthority();
            boolean newAuthority = ca == null;
            if (newAuthority) {
                ca = CertificateIssuer.authority("Bulwark local CA " + Instant.now());
                PemFiles.writePrivateKey(pki.dir.resolve(CA_KEY), ca.keys().getPrivate());
                PemFiles.writeCertificate(pki.dir.resolve(CA_CERT), ca.certificate());
            }
            if (newAuthority || !pki.serverCertificateServes(ca, serverNames)) {
                CertificateIssuer.Issued server = CertificateIssuer.server(ca, serverNames);
                PemFiles.writePrivateKey(pki.dir.resolve(SERVER_KEY), server.keys().getPrivate());
                PemFiles.writeCertificate(pki.dir.resolve(SERVER_CERT), server.certificate());
            }
            return pki;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the local CA in " + pki.dir + ": " + e.getMessage(), e);
        }
    }

    /** localhost, 127.0.0.1, ::1 and this machine's host name: what local clients dial. */
    public static List<String> machineNames() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        String host = hostName();
        if (host != null && !host.isBlank()) {
            names.add(host.trim().toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    public Path dir() {
        return dir;
    }

    /** What clients trust: the CA certificate ({@code BULWARK_CA}, {@code connect --ca}, {@code curl --cacert}). */
    public Path caCertificate() {
        return dir.resolve(CA_CERT);
    }

    public Path serverCertificate() {
        return dir.resolve(SERVER_CERT);
    }

    public Path serverKey() {
        return dir.resolve(SERVER_KEY);
    }

    /** Trust in this CA alone, for the local tools' HTTP clients. */
    public TlsTrust trust() {
        try {
            return TlsTrust.fromFile(caCertificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Quarkus configuration that makes an application serve this server certificate: the TLS registry's
     * default configuration, which the HTTP server uses (and the cloud's storage endpoint, by default).
     */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.tls.key-store.pem.0.cert", serverCertificate().toString());
        config.put("quarkus.tls.key-store.pem.0.key", serverKey().toString());
        return config;
    }

    /** A server-side TLS context with the server certificate, for test servers (the JDK's HttpsServer). */
    public SSLContext serverSslContext() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            X509Certificate server = TlsTrust.fromFile(serverCertificate()).certificates().get(0);
            store.setKeyEntry("server", PemFiles.readPrivateKey(serverKey()), new char[0], new Certificate[] {server});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the server certificate of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The CA of this folder when both of its files are there and belong together, else null. */
    private CertificateIssuer.Issued readAuthority() throws IOException {
        if (!Files.isRegularFile(dir.resolve(CA_CERT)) || !Files.isRegularFile(dir.resolve(CA_KEY))) {
            return null;
        }
        X509Certificate certificate = TlsTrust.fromFile(dir.resolve(CA_CERT)).certificates().get(0);
        PrivateKey key = PemFiles.readPrivateKey(dir.resolve(CA_KEY));
        if (certificate.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            return null;
        }
        return new CertificateIssuer.Issued(certificate, new KeyPair(certificate.getPublicKey(), key));
    }

    private boolean serverCertificateServes(CertificateIssuer.Issued ca, List<String> names) throws IOException {
        if (!Files.isRegularFile(serverCertificate()) || !Files.isRegularFile(serverKey())) {
            return false;
        }
        X509Certificate server = TlsTrust.fromFile(serverCertificate()).certificates().get(0);
        try {
            server.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException notSignedByThisCa) {
            return false;
        }
        return server.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))
                && subjectAlternativeNames(server).containsAll(normalized(names));
    }

    private static Set<String> subjectAlternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                entries.forEach(entry -> names.add(String.valueOf(entry.get(1))));
            }
        } catch (CertificateParsingException e) {
            return Set.of();
        }
        return normalized(names);
    }

    /** Lower-case DNS names; IP literals in the JDK's spelling (so "::1" and "0:0:0:0:0:0:0:1" compare equal). */
    private static Set<String> normalized(List<String> names) {
        Set<String> normalized = new HashSet<>();
        for (String name : names) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (CertificateIssuer.isIpAddress(lower)) {
                try {
                    lower = InetAddress.getByName(lower).getHostAddress(); // a literal: no lookup
                } catch (IOException e) {
                    // kept as written
                }
            }
            normalized.add(lower);
        }
        return normalized;
    }

    /** The kernel's host name (no DNS lookup, which can hang on a badly configured machine), else the JDK's. */
    private static String hostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                return Files.readString(kernel, StandardCharsets.US_ASCII).trim();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }
}

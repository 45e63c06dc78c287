package dev.bulwark.model.crypto;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Trust in the certificate authorities of one PEM file and in nothing else: an agent pins its cloud's CA at
 * {@code connect}, and the local tools trust the CA that {@code ./bulwark} generated. The {@link SSLContext}
 * has these certificates as its only trust anchors, so the JVM's default trust store (and every public CA in
 * it) plays no part; host names are still checked by the client (the JDK's HTTP client does).
 */
public final class TlsTrust {
    private final List<X509Certificate> certificates;

    private TlsTrust(List<X509Certificate> certificates) {
        this.certificates = List.copyOf(certificates);
    }

    /** The certificates of a PEM text ({@code -----BEGIN CERTIFICATE-----} blocks); at least one. */
    public static TlsTrust fromPem(byte[] pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate found (expected -----BEGIN CERTIFICATE----- blocks)");
        }
        return new TlsTrust(certificates);
    }

    public static TlsTrust fromFile(Path pem) throws IOException {
        try {
            return fromPem(Files.readAllBytes(pem));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pem + ": " + e.getMessage(), e);
        }
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    /**
     * The first certificate's SHA-256 fingerprint as {@code openssl x509 -noout -fingerprint -sha256} prints it
     * ({@code AB:CD:...}), so an administrator can compare it with what the cloud's operator published.
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificates.get(0).getEncoded());
            return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** A TLS context whose only trust anchors are these certificates. */
    public SSLContext sslContext() {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting " + fingerprint(), e);
        }
    }
}

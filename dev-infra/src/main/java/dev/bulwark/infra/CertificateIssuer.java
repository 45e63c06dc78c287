package dev.bulwark.infra;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Makes the certificates of {@link LocalPki} with BouncyCastle's X.509 builder: a CA (P-256 key,
 * {@code basicConstraints CA:true}, may sign certificates only) and server certificates it signs for a
 * list of DNS names and IP addresses ({@code serverAuth} only). P-256 because its keys are made in
 * milliseconds, and every TLS client of the JDK, Vert.x and curl speaks ECDSA.
 */
final class CertificateIssuer {
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateIssuer() {
    }

    /** A certificate and its private key. */
    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    static Issued authority(String commonName) {
        KeyPair keys = newKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(now),
                    Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(sign(builder, keys), keys);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate", e);
        }
    }

    /** A server certificate for {@code names} (DNS names and IP literals), signed by {@code ca}. */
    static Issued server(Issued ca, List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), notBefore(now),
                    Date.from(now.plus(SERVER_VALIDITY)), new X500Name("CN=" + names.get(0)), keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                    .map(CertificateIssuer::generalName).toArray(GeneralName[]::new)));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca.certificate()));
            return new Issued(sign(builder, ca.keys()), keys);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a server certificate for " + names, e);
        }
    }

    static boolean isIpAddress(String name) {
        return IPAddress.isValid(name);
    }

    private static GeneralName generalName(String name) {
        return new GeneralName(isIpAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a P-256 key pair", e);
        }
    }

    /** Random and positive, as RFC 5280 asks, so two CAs made on one machine never issue the same serial. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** An hour back: a client whose clock is a little behind still accepts a certificate made just now. */
    private static Date notBefore(Instant now) {
        return Date.from(now.minus(Duration.ofHours(1)));
    }
}

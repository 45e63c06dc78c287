package dev.bulwark.agent.handler;

import dev.bulwark.model.catalog.Sha256;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * The certificate an extension's protected settings are encrypted to, as Azure encrypts them to a machine
 * certificate: a CMS EnvelopedData (RSA-OAEP with SHA-256 key transport, AES-256-CBC content) that the
 * handler opens itself with {@code openssl cms -decrypt}. The private key {@code <thumbprint>.prv} is
 * readable by the extension's user alone, so plaintext exists only in the agent's memory (briefly) and in
 * the handler's process. Written by hand on top of Bouncy Castle only because the protocol fixes the format.
 */
final class SettingsCertificate {
    private final X509Certificate certificate;
    private final String thumbprint;

    private SettingsCertificate(X509Certificate certificate) throws GeneralSecurityException {
        this.certificate = certificate;
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1"); // the protocol's thumbprint, not a security decision
        this.thumbprint = HexFormat.of().withUpperCase().formatHex(sha1.digest(certificate.getEncoded()));
    }

    String thumbprint() {
        return thumbprint;
    }

    /** The extension's certificate in {@code keyDir}, made (and given to {@code user}) on first use. */
    static SettingsCertificate inFolder(Path keyDir, HandlerUser user, String extension) throws IOException {
        try {
            try (Stream<Path> files = Files.list(keyDir)) {
                Path existing = files.filter(f -> f.getFileName().toString().endsWith(".crt")).findFirst().orElse(null);
                if (existing != null) {
                    return new SettingsCertificate((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(Files.newInputStream(existing)));
                }
            }
            return create(keyDir, user, extension);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the protected-settings certificate in " + keyDir + ": " + e.getMessage(), e);
        }
    }

    private static SettingsCertificate create(Path keyDir, HandlerUser user, String extension)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(3072);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + extension.replaceAll("[^A-Za-z0-9._-]", "_") + " protected settings");
        Instant now = Instant.now();
        X509CertificateHolder holder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
        SettingsCertificate made = new SettingsCertificate(certificate);
        writeOwned(keyDir.resolve(made.thumbprint + ".prv"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()), user);
        writeOwned(keyDir.resolve(made.thumbprint + ".crt"), pem("CERTIFICATE", certificate.getEncoded()), user);
        return made;
    }

    /** Base64 of the DER CMS EnvelopedData of {@code plaintext} to this certificate. */
    String encrypt(byte[] plaintext) throws IOException {
        try {
            OAEPParameterSpec oaep = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
            CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(certificate,
                    new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
                            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_RSAES_OAEP, oaep)));
            byte[] der = generator.generate(new CMSProcessableByteArray(plaintext),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build()).getEncoded();
            return Base64.getEncoder().encodeToString(der);
        } catch (CMSException | GeneralSecurityException e) {
            throw new IOException("cannot encrypt protected settings: " + e.getMessage(), e);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Created 0400 for the agent, then given to the extension's user: nobody else ever reads it. */
    private static void writeOwned(Path file, byte[] content, HandlerUser user) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        user.own(file);
    }

    @Override
    public String toString() {
        return "certificate " + thumbprint.toLowerCase(Locale.ROOT);
    }
}

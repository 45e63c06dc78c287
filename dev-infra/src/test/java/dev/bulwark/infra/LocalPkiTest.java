package dev.bulwark.infra;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.bulwark.model.crypto.TlsTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local CA: a chain the JDK's own TLS accepts, private keys kept private, files reused across starts. */
class LocalPkiTest {
    @TempDir
    Path dir;

    @Test
    void theJdkAcceptsTheServerCertificateForLocalhostAndTheLoopbackAddress() throws Exception {
        LocalPki pki = LocalPki.ensure(dir.resolve("pki"));

        try (Server server = new Server(pki.serverSslContext())) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(pki.trust().sslContext()).build();
            for (String host : List.of("localhost", "127.0.0.1")) {
                HttpResponse<String> answer = trusting.send(HttpRequest.newBuilder(server.url(host)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(host).isEqualTo(200);
            }
        }
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheServer() throws Exception {
        LocalPki pki = LocalPki.ensure(dir.resolve("pki"));
        LocalPki other = LocalPki.ensure(dir.resolve("other"));

        try (Server server = new Server(pki.serverSslContext())) {
            HttpClient trustingOther = HttpClient.newBuilder().sslContext(other.trust().sslContext()).build();
            assertThatThrownBy(() -> trustingOther.send(HttpRequest.newBuilder(server.url("localhost")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        }
        assertThat(other.trust().fingerprint()).isNotEqualTo(pki.trust().fingerprint());
    }

    @Test
    void aServerNameTheCertificateLacksIsRefused() throws Exception {
        LocalPki pki = LocalPki.ensure(dir.resolve("pki"), List.of("bulwark.example"));

        try (Server server = new Server(pki.serverSslContext())) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(pki.trust().sslContext()).build();
            assertThatThrownBy(() -> trusting.send(HttpRequest.newBuilder(server.url("127.0.0.1")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void privateKeysAreReadableByTheOwnerOnlyAndCertificatesByAnyone() throws IOException {
        LocalPki pki = LocalPki.ensure(dir.resolve("pki"));

        assertThat(permissions(pki.dir().resolve(LocalPki.CA_KEY))).isEqualTo("rw-------");
        assertThat(permissions(pki.serverKey())).isEqualTo("rw-------");
        assertThat(permissions(pki.caCertificate())).isEqualTo("rw-r--r--");
        assertThat(permissions(pki.serverCertificate())).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.dir()))).isEqualTo("rwx------");
        assertThat(Files.readString(pki.serverKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(pki.quarkusConfig()).containsEntry("quarkus.tls.key-store.pem.0.cert", pki.serverCertificate().toString())
                .containsEntry("quarkus.tls.key-store.pem.0.key", pki.serverKey().toString());
    }

    @Test
    void aSecondStartReusesTheFilesAndOnlyAMissingServerCertificateIsMadeAgain() throws Exception {
        Path at = dir.resolve("pki");
        LocalPki.ensure(at);
        byte[] ca = Files.readAllBytes(at.resolve(LocalPki.CA_CERT));
        byte[] caKey = Files.readAllBytes(at.resolve(LocalPki.CA_KEY));
        byte[] server = Files.readAllBytes(at.resolve(LocalPki.SERVER_CERT));

        LocalPki.ensure(at);
        assertThat(Files.readAllBytes(at.resolve(LocalPki.CA_CERT))).isEqualTo(ca);
        assertThat(Files.readAllBytes(at.resolve(LocalPki.CA_KEY))).isEqualTo(caKey);
        assertThat(Files.readAllBytes(at.resolve(LocalPki.SERVER_CERT))).isEqualTo(server);

        Files.delete(at.resolve(LocalPki.SERVER_CERT));
        LocalPki again = LocalPki.ensure(at);
        assertThat(Files.readAllBytes(at.resolve(LocalPki.CA_CERT))).as("the CA agents pinned stays").isEqualTo(ca);
        assertThat(Files.readAllBytes(again.serverCertificate())).isNotEqualTo(server);
        TlsTrust.fromFile(again.serverCertificate()).certificates().get(0)
                .verify(TlsTrust.fromFile(again.caCertificate()).certificates().get(0).getPublicKey());
    }

    @Test
    void aServerCertificateWithoutANewNameIsMadeAgainBySameCa() throws IOException {
        Path at = dir.resolve("pki");
        LocalPki.ensure(at, List.of("localhost"));
        byte[] ca = Files.readAllBytes(at.resolve(LocalPki.CA_CERT));
        byte[] server = Files.readAllBytes(at.resolve(LocalPki.SERVER_CERT));

        LocalPki.ensure(at, List.of("localhost", "bulwark.example"));

        assertThat(Files.readAllBytes(at.resolve(LocalPki.CA_CERT))).isEqualTo(ca);
        assertThat(Files.readAllBytes(at.resolve(LocalPki.SERVER_CERT))).isNotEqualTo(server);
    }

    @Test
    void theMachineNamesIncludeLoopbackAndTheHostName() {
        assertThat(LocalPki.machineNames()).startsWith("localhost", "127.0.0.1", "::1");
    }

    @Test
    void somethingElseThanACertificateIsNoTrustRoot() {
        assertThatThrownBy(() -> TlsTrust.fromPem("hello".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** An HTTPS server on every local address that answers 200. */
    private static final class Server implements AutoCloseable {
        private final HttpsServer server;

        Server(SSLContext tls) throws IOException {
            server = HttpsServer.create(new InetSocketAddress(0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        URI url(String host) {
            return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

package dev.bulwark.agent.testing;

import dev.bulwark.agent.tls.CloudHttp;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.infra.LocalPki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The test clouds' TLS, as {@code ./bulwark} sets it up: a local CA under {@code target/test-tls/local} whose
 * server certificate {@link TestCloud} and {@link TestStorage} serve, and which machines pin with
 * {@code connect --ca}; and a second, unrelated CA for servers a machine must refuse. Made once, then reused.
 */
public final class TestTls {
    private static final LocalPki LOCAL = LocalPki.ensure(Path.of("target", "test-tls", "local"));
    private static final LocalPki OTHER = LocalPki.ensure(Path.of("target", "test-tls", "other"));

    private TestTls() {
    }

    /** The CA the test clouds' certificates come from. */
    public static LocalPki local() {
        return LOCAL;
    }

    /** A CA that signed nothing the machines should trust. */
    public static LocalPki other() {
        return OTHER;
    }

    /** The local CA's certificate, for {@code connect --ca}. */
    public static Path caFile() {
        return LOCAL.caCertificate();
    }

    public static PinnedCa pinned(LocalPki pki) {
        try {
            return PinnedCa.fromFile(pki.caCertificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client as a machine that pinned the local CA has. */
    public static HttpClient trustingClient() {
        return CloudHttp.client(pinned(LOCAL), Duration.ofSeconds(10));
    }
}

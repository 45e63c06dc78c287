package dev.bulwark.cloud.support;

import dev.bulwark.infra.BulwarkInfraResource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP as an agent does it (java.net.http, absolute URLs: the storage endpoint is not RestAssured's port),
 * and raw requests for paths a client library would clean up before sending. Both speak TLS to https URLs,
 * trusting the local CA of the test infrastructure only, as an agent that pinned it.
 */
public final class Http {
    public static final SSLContext LOCAL_CA = BulwarkInfraResource.pki().trust().sslContext();
    private static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(LOCAL_CA)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    /** A GET signed as a registered machine, as agents download from storage. */
    public static HttpResponse<byte[]> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", machineAuthorization()).GET().build());
    }

    /** {@code Machine <token>} of a machine registered for the tests' downloads, valid a few minutes. */
    public static String machineAuthorization() {
        return Downloader.INSTANCE.authorization();
    }

    /** Registered on first use (inside a test, where the API answers). */
    private static final class Downloader {
        static final FakeMachine INSTANCE = FakeMachine.registered();
    }

    public static HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code METHOD rawPath HTTP/1.1} exactly as given (over TLS to an https server); returns the whole response as text. */
    public static String raw(URI server, String method, String rawPath) {
        try (Socket socket = connect(server)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + rawPath + " HTTP/1.1\r\nHost: " + server.getHost() + "\r\nAuthorization: "
                    + machineAuthorization() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket connect(URI server) throws IOException {
        if (!"https".equals(server.getScheme())) {
            return new Socket(server.getHost(), server.getPort());
        }
        SSLSocket socket = (SSLSocket) LOCAL_CA.getSocketFactory().createSocket(server.getHost(), server.getPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** The status code of a raw response. */
    public static int status(String rawResponse) {
        return Integer.parseInt(rawResponse.substring(9, 12));
    }
}

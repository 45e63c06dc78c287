package dev.bulwark.agent.tls;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one place the agent's HTTP clients are configured: TLS trusting the machine's {@link PinnedCa} alone
 * when it has one (the JVM's default trust store otherwise), and HTTP/1.1. HTTP/1.1 because the JDK client
 * would otherwise negotiate HTTP/2 with the cloud (ALPN) and try an h2c upgrade over plain http; the
 * harness's clients broke on that with large bodies, and the agent's few large requests gain nothing from it.
 */
public final class CloudHttp {
    private CloudHttp() {
    }

    /** @param ca the pinned CA, or null for the JVM's default trust store */
    public static HttpClient.Builder builder(PinnedCa ca, Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
        if (ca != null) {
            builder.sslContext(ca.sslContext());
        }
        return builder;
    }

    public static HttpClient client(PinnedCa ca, Duration connectTimeout) {
        return builder(ca, connectTimeout).build();
    }
}

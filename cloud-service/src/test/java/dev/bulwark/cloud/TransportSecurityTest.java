package dev.bulwark.cloud;

import dev.bulwark.cloud.storage.StorageServer;
import dev.bulwark.cloud.support.Http;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS by default: the API and the storage endpoint answer https with the configured certificate, and plain
 * http gets no answer from either (the API opens no plain-http port at all; e2e checks that on the packaged
 * cloud, whose ports it chooses).
 */
@QuarkusTest
class TransportSecurityTest {
    private static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    StorageServer storage;
    @TestHTTPResource(value = "/", tls = true)
    URL cloud;

    @Test
    void theApiAndTheStorageEndpointServeHttpsWithTheLocalCertificate() {
        assertThat(cloud.getProtocol()).isEqualTo("https");
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(Http.get(cloud + "q/health/live").statusCode()).isEqualTo(200);

        assertThat(storage.url().getScheme()).as("the storage URL written into operations").isEqualTo("https");
        assertThat(Http.get(storage.url() + "/no-such-object").statusCode()).isEqualTo(404);
    }

    @Test
    void plainHttpGetsNoAnswerFromTheApiOrTheStorageEndpoint() {
        assertThat(ConfigProvider.getConfig().getValue("quarkus.http.insecure-requests", String.class))
                .as("the API's plain-http listener").isEqualTo("disabled");
        for (URI server : List.of(URI.create(cloud.toString()), storage.url())) {
            URI plain = URI.create("http://" + server.getHost() + ":" + server.getPort() + "/q/health");
            assertThatThrownBy(() -> PLAIN.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())).as(plain.toString()).isInstanceOf(IOException.class);
        }
    }
}

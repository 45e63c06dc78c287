package dev.bulwark.agent.handler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading what a handler says about itself, with the protocol's limits, from a folder the handler owns. */
class HandlerStatusTest {
    @TempDir
    Path dir;

    @Test
    void aStatusFileBecomesStatusMessageAndSubstatuses() throws IOException {
        Path file = write("0.status", status("success", "all good", "\"substatus\":[{\"name\":\"StdOut\",\"status\":\"success\","
                + "\"code\":0,\"formattedMessage\":{\"lang\":\"en-US\",\"message\":\"hello\"}}]"));

        HandlerStatus status = HandlerStatus.read(file, dir.resolve("none"));

        assertThat(status.succeeded()).isTrue();
        assertThat(status.message()).isEqualTo("all good");
        assertThat(status.substatuses()).singleElement().satisfies(s -> {
            assertThat(s.code()).isEqualTo("ComponentStatus/StdOut/succeeded");
            assertThat(s.message()).isEqualTo("hello");
            assertThat(s.level()).isEqualTo("Info");
            assertThat(s.displayStatus()).isEqualTo("Provisioning succeeded");
        });
    }

    @Test
    void anUnknownStatusValueCountsAsAnErrorAndLongMessagesAreCut() throws IOException {
        Path file = write("1.status", status("fine-ish", "x".repeat(5000), "\"substatus\":[]"));

        HandlerStatus status = HandlerStatus.read(file, dir.resolve("none"));

        assertThat(status.succeeded()).isFalse();
        assertThat(status.transitioning()).isFalse();
        assertThat(status.message()).hasSize(HandlerStatus.MAX_MESSAGE + HandlerStatus.TRUNCATED.length()).endsWith(HandlerStatus.TRUNCATED);
    }

    @Test
    void aLinkOrAnOversizedFileIsNotReadSoAHandlerCannotMakeTheAgentPublishAFileItCouldNotRead() throws IOException {
        Path secret = write("secret", status("success", "root-only content", "\"substatus\":[]"));
        Path link = Files.createSymbolicLink(dir.resolve("2.status"), secret);
        Path big = write("3.status", status("success", "y".repeat(HandlerStatus.MAX_FILE), "\"substatus\":[]"));

        assertThat(HandlerStatus.read(link, dir.resolve("none"))).isNull();
        assertThat(HandlerStatus.read(big, dir.resolve("none"))).isNull();
        assertThat(HandlerStatus.read(dir.resolve("missing.status"), dir.resolve("none"))).isNull();
    }

    @Test
    void theHeartbeatIsShownAsASubstatus() throws IOException {
        Path file = write("4.status", status("success", "ok", "\"substatus\":[]"));
        Path heartbeat = write("heartbeat.json", "[{\"version\":1.0,\"heartbeat\":{\"status\":\"ready\",\"code\":0,\"Message\":\"shipping\"}}]");

        HandlerStatus status = HandlerStatus.read(file, heartbeat);

        assertThat(status.substatuses()).singleElement().satisfies(s -> {
            assertThat(s.code()).isEqualTo("ComponentStatus/Heartbeat/succeeded");
            assertThat(s.message()).isEqualTo("shipping");
        });
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String status(String value, String message, String substatus) {
        return "[{\"version\":1.0,\"timestampUTC\":\"2026-12-02T00:00:00Z\",\"status\":{\"name\":\"P.T\",\"operation\":\"enable\","
                + "\"status\":\"" + value + "\",\"code\":0,\"formattedMessage\":{\"lang\":\"en-US\",\"message\":\"" + message + "\"},"
                + substatus + "}}]";
    }
}

package dev.bulwark.agent.handler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.InstanceView;
import dev.bulwark.model.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a handler says about itself in {@code status/N.status} (and its heartbeat), read with the protocol's
 * limits: 128 KB per file, messages cut at 1 KB and substatus fields at 10 KB. The folder belongs to the
 * handler's user, so the agent opens files without following links and only if they are regular files: a
 * handler must not make the agent read (and publish) a file it could not read itself.
 */
record HandlerStatus(String status, String code, String message, List<InstanceView.Status> substatuses) {
    static final int MAX_FILE = 128 * 1024;
    static final int MAX_MESSAGE = 1024;
    static final int MAX_SUBSTATUS = 10 * 1024;
    static final String TRUNCATED = " ... [TRUNCATED]";

    boolean transitioning() {
        return "transitioning".equals(status);
    }

    /** success and warning succeed; error, and any value the protocol does not know, fail. */
    boolean succeeded() {
        return "success".equals(status) || "warning".equals(status);
    }

    /** The status of configuration N, or null when the handler wrote none (or none that can be read). */
    static HandlerStatus read(Path statusFile, Path heartbeatFile) {
        JsonNode root = readJson(statusFile);
        JsonNode status = root == null ? null : (root.isArray() ? root.path(0) : root).path("status");
        if (status == null || !status.isObject()) {
            return null;
        }
        List<InstanceView.Status> substatuses = new ArrayList<>();
        for (JsonNode sub : status.path("substatus")) {
            substatuses.add(substatus(sub.path("name").asText(""), sub.path("status").asText(""),
                    sub.path("formattedMessage").path("message").asText(null)));
        }
        InstanceView.Status heartbeat = heartbeat(heartbeatFile);
        if (heartbeat != null) {
            substatuses.add(heartbeat);
        }
        return new HandlerStatus(status.path("status").asText("").toLowerCase(Locale.ROOT),
                cut(status.path("code").asText(null), MAX_MESSAGE),
                cut(status.path("formattedMessage").path("message").asText(null), MAX_MESSAGE), substatuses);
    }

    private static InstanceView.Status heartbeat(Path file) {
        JsonNode root = readJson(file);
        JsonNode heartbeat = root == null ? null : (root.isArray() ? root.path(0) : root).path("heartbeat");
        if (heartbeat == null || !heartbeat.isObject()) {
            return null;
        }
        String status = "ready".equalsIgnoreCase(heartbeat.path("status").asText("")) ? "success" : "warning";
        // The original spec spells it Message; today's handlers write formattedMessage.message.
        String message = heartbeat.path("formattedMessage").path("message").asText(
                heartbeat.path("Message").asText(heartbeat.path("message").asText(null)));
        return substatus("Heartbeat", status, message);
    }

    /** As Azure shows a handler's substatus: {@code ComponentStatus/<name>/<status>}, level and display status from the status. */
    static InstanceView.Status substatus(String name, String status, String message) {
        String value = status.toLowerCase(Locale.ROOT);
        String level = switch (value) {
            case "success" -> "Info";
            case "warning", "transitioning" -> "Warning";
            default -> "Error";
        };
        String outcome = switch (value) {
            case "success" -> "succeeded";
            case "error" -> "failed";
            default -> value;
        };
        return new InstanceView.Status(cut("ComponentStatus/" + name + "/" + outcome, MAX_MESSAGE), level,
                "Error".equals(level) ? "Provisioning failed" : "Provisioning succeeded", cut(message, MAX_SUBSTATUS), null);
    }

    static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + TRUNCATED;
    }

    private static JsonNode readJson(Path file) {
        try {
            // Checked before opening too: opening a FIFO the handler planted would block.
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile() || attributes.size() > MAX_FILE) {
                return null;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                 InputStream in = Channels.newInputStream(channel)) {
                return Json.MAPPER.readTree(in.readNBytes(MAX_FILE));
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or not JSON: as if the handler had written nothing
        }
    }
}

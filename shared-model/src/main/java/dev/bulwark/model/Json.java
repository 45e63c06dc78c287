package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON codec for messages, catalogs and local files. Unknown fields are ignored (a newer
 * sender may add some), missing required fields and unknown schema versions are refused.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static String encodeToString(Object value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    /** Parses bytes into a tree, or throws {@link MessageFormatException} saying why. */
    public static JsonNode tree(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "empty value");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "value is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "not JSON: " + firstLine(e), e);
        }
    }

    /**
     * Decodes a message of {@code type}, checking {@code schemaVersion} against {@code supportedVersion}.
     */
    public static <T> T decode(byte[] bytes, Class<T> type, int supportedVersion) {
        return decodeTree(tree(bytes), type, supportedVersion);
    }

    public static <T> T decodeTree(JsonNode node, Class<T> type, int supportedVersion) {
        JsonNode version = node.get("schemaVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "schemaVersion is missing");
        }
        if (version.intValue() != supportedVersion) {
            throw new MessageFormatException(DeadLetter.Reason.UnsupportedSchemaVersion,
                    "schemaVersion " + version.intValue() + " is not supported (this build reads " + supportedVersion + ")");
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage,
                    "not a valid " + type.getSimpleName() + ": " + firstLine(e), e);
        }
    }

    private static String firstLine(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(root.getMessage());
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}

package dev.bulwark.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON codec for messages, catalogs and local files. Unknown fields are ignored (a newer
 * sender may add some), missing required fields are refused, and so are schema versions newer than the
 * reader's ({@link #checkSchemaVersion}).
 *
 * <p>A name given twice in one object is refused everywhere ({@code STRICT_DUPLICATE_DETECTION}): a
 * signature (or a reviewer) would see one value and a reader that keeps the first another. A message must
 * also be strict UTF-8 ({@link #tree}): no overlong forms (such as {@code C0 80} for U+0000), no encoded
 * surrogates, no stray bytes, so the bytes a signature covers have one reading.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
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

    /** Parses bytes (strict UTF-8) into a tree, or throws {@link MessageFormatException} saying why. */
    public static JsonNode tree(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "empty value");
        }
        String text = strictUtf8(bytes);
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "value is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "not JSON: " + firstLine(e), e);
        }
    }

    /**
     * Decodes a message of {@code type}, checking {@code schemaVersion} against {@code supportedVersion} by
     * {@link #checkSchemaVersion}.
     */
    public static <T> T decode(byte[] bytes, Class<T> type, int supportedVersion) {
        return decodeTree(tree(bytes), type, supportedVersion);
    }

    public static <T> T decodeTree(JsonNode node, Class<T> type, int supportedVersion) {
        checkSchemaVersion(node, supportedVersion);
        try {
            return MAPPER.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage,
                    "not a valid " + type.getSimpleName() + ": " + firstLine(e), e);
        }
    }

    /**
     * The compatibility rule (docs/messages.md, "Versions"): a message of any version from 1 up to the one this
     * build supports is read, fields it does not know ignored, so a newer receiver still reads an older sender
     * (a cloud upgraded before its agents, or the other way round). A version above the supported one is
     * {@code UnsupportedSchemaVersion}: this build cannot know what the newer fields mean, so it must not guess. A
     * missing version, or one that is not a whole number of 1 or more, is {@code MalformedMessage}.
     */
    public static void checkSchemaVersion(JsonNode node, int supportedVersion) {
        JsonNode version = node.get("schemaVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "schemaVersion is missing or not a whole number");
        }
        if (version.bigIntegerValue().signum() <= 0) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage,
                    "schemaVersion " + version.asText() + " is not a version (they start at 1)");
        }
        if (!version.canConvertToInt() || version.intValue() > supportedVersion) {
            throw new MessageFormatException(DeadLetter.Reason.UnsupportedSchemaVersion, "schemaVersion " + version.asText()
                    + " is newer than this build reads (1 to " + supportedVersion + ")");
        }
    }

    /**
     * Where the first U+0000 is in {@code node}: the path of the text or the object holding a name with it
     * ({@code properties.settings.endpoint}, {@code rules[1].pattern}; "" for the top level), or null when there is none.
     * A JSON escape may carry it, but no text of Bulwark may: databases refuse it, and handlers read C strings.
     */
    public static String nulAt(JsonNode node) {
        return nulAt(node, "");
    }

    private static String nulAt(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulAt(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (field.getKey().indexOf('\0') >= 0) {
                return path;
            }
            String found = nulAt(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The text of {@code bytes}, or a {@link MessageFormatException} naming the offset of the first byte that is not UTF-8. */
    public static String strictUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more UTF-16 units than it has bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new MessageFormatException(DeadLetter.Reason.MalformedMessage, "not UTF-8: the byte at offset "
                    + in.position() + " starts an invalid sequence");
        }
        return out.flip().toString();
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

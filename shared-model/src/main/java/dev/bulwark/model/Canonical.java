package dev.bulwark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * The bytes that are signed: the JSON object without its {@code signature} field, keys sorted at every
 * level, no insignificant whitespace, UTF-8. Signer and verifier both compute them from a tree, the
 * verifier from the bytes it received, so fields it does not know are still covered by the signature.
 *
 * <p>Keys are sorted by Jackson while it writes ({@link JsonNodeFeature#WRITE_PROPERTIES_SORTED}, the same
 * {@code String} order), and only the top level is copied to leave {@code signature} out: every message
 * signed or verified passes through here, so it must not copy the whole tree.
 */
public final class Canonical {
    private static final ObjectWriter SORTED = Json.MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    private Canonical() {
    }

    public static byte[] bytesOf(Object value) {
        return bytesOfTree(Json.MAPPER.valueToTree(value));
    }

    public static byte[] bytesOfTree(JsonNode tree) {
        ObjectNode unsigned = Json.MAPPER.getNodeFactory().objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!Signed.SIGNATURE_FIELD.equals(field.getKey())) {
                unsigned.set(field.getKey(), field.getValue());
            }
        }
        try {
            return SORTED.writeValueAsBytes(unsigned);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.bulwark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bytes that are signed: the JSON object without its {@code signature} field, keys sorted at every
 * level, no insignificant whitespace, UTF-8. Signer and verifier both compute them from a tree, the
 * verifier from the bytes it received, so fields it does not know are still covered by the signature.
 */
public final class Canonical {
    private Canonical() {
    }

    public static byte[] bytesOf(Object value) {
        return bytesOfTree(Json.MAPPER.valueToTree(value));
    }

    public static byte[] bytesOfTree(JsonNode tree) {
        ObjectNode copy = ((ObjectNode) tree).deepCopy();
        copy.remove(Signed.SIGNATURE_FIELD);
        try {
            return Json.MAPPER.writeValueAsBytes(sorted(copy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}

package dev.bulwark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonical bytes are a contract with every deployed agent: the fast encoder must give exactly the
 * bytes of the definition (copy without {@code signature}, sort keys at every level, compact UTF-8).
 */
class CanonicalTest {

    @Property(tries = 500)
    void theFastEncoderWritesTheDefinitionsBytes(@ForAll long seed) throws Exception {
        ObjectNode tree = randomObject(new Random(seed), 4);
        tree.put("signature", "ignored");

        assertThat(new String(Canonical.bytesOfTree(tree), "UTF-8")).isEqualTo(new String(byDefinition(tree), "UTF-8"));
    }

    @Property(tries = 100)
    void theReceivedTreeIsLeftAsItWas(@ForAll long seed) {
        ObjectNode tree = randomObject(new Random(seed), 3);
        tree.put("signature", "kept");
        JsonNode before = tree.deepCopy();

        Canonical.bytesOfTree(tree);

        assertThat(tree).isEqualTo(before);
    }

    /** The definition, written the slow and obvious way. */
    private static byte[] byDefinition(ObjectNode tree) throws Exception {
        ObjectNode copy = tree.deepCopy();
        copy.remove(Signed.SIGNATURE_FIELD);
        return Json.MAPPER.writeValueAsBytes(sorted(copy));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            names.forEach(name -> out.set(name, sorted(node.get(name))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }

    private static final String[] KEYS = {"a", "B", "b", "aa", "A", "é", "日本", "z\"q", "10", "9", "_", "signature", "Zeta", "ä"};

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        int fields = random.nextInt(6);
        for (int i = 0; i < fields; i++) {
            node.set(KEYS[random.nextInt(KEYS.length)] + (random.nextBoolean() ? "" : random.nextInt(3)), randomValue(random, depth - 1));
        }
        return node;
    }

    private static JsonNode randomValue(Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = depth <= 0 ? random.nextInt(6) : random.nextInt(8);
        return switch (kind) {
            case 0 -> f.textNode("t\u00e9xt " + random.nextInt(100) + (random.nextBoolean() ? "\n\u2028" : ""));
            case 1 -> f.numberNode(random.nextLong());
            case 2 -> f.numberNode(random.nextDouble() * 1e6);
            case 3 -> f.booleanNode(random.nextBoolean());
            case 4 -> f.nullNode();
            case 5 -> f.numberNode(new java.math.BigDecimal(random.nextInt(100000)).movePointLeft(random.nextInt(4)));
            case 6 -> {
                ArrayNode array = f.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(randomValue(random, depth - 1));
                }
                yield array;
            }
            default -> randomObject(random, depth - 1);
        };
    }
}

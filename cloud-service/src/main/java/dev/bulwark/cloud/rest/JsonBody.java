package dev.bulwark.cloud.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.model.Json;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A request body read field by field, each refusal naming the property by its path
 * ({@code properties.publisher}). Parse errors never echo the body: it may hold protected settings.
 */
final class JsonBody {
    private final ObjectNode node;
    private final String path;

    private JsonBody(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static JsonBody parse(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content is empty; a JSON object is required.");
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            // Json.MAPPER refuses a name given twice: a reviewer would read one value and the API store another.
            if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
                throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content gives the same property"
                        + " twice in one object" + where + "; give each property once.");
            }
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content is not valid JSON" + where + ".");
        }
        if (tree == null || !tree.isObject()) {
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content must be a JSON object.");
        }
        String nul = Json.nulAt(tree);
        if (nul != null) {
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content holds a NUL character (U+0000)"
                    + (nul.isEmpty() ? "" : " in '" + nul + "'") + "; no text of this API may contain it.", nul.isEmpty() ? null : nul);
        }
        return new JsonBody((ObjectNode) tree, "");
    }

    JsonBody requiredObject(String name) {
        JsonBody child = optionalObject(name);
        if (child == null) {
            throw ApiException.missingProperty(path(name));
        }
        return child;
    }

    JsonBody optionalObject(String name) {
        ObjectNode value = optionalObjectNode(name);
        return value == null ? null : new JsonBody(value, path(name) + ".");
    }

    ObjectNode optionalObjectNode(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be a JSON object.");
        }
        return (ObjectNode) value;
    }

    String requiredText(String name, Pattern rule, String ruleText) {
        String value = optionalText(name, rule, ruleText);
        if (value == null) {
            throw ApiException.missingProperty(path(name));
        }
        return value;
    }

    String optionalText(String name, Pattern rule, String ruleText) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() || !rule.matcher(value.textValue()).matches()) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be " + ruleText + ".");
        }
        return value.textValue();
    }

    Boolean optionalBoolean(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be true or false.");
        }
        return value.booleanValue();
    }

    /** A whole number from {@code min} to {@code max}, or null when absent. */
    Integer optionalInteger(String name, int min, int max) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be a whole number from "
                    + min + " to " + max + ".");
        }
        return value.intValue();
    }

    /** A number greater than {@code above} and at most {@code max}, or null when absent. */
    Double optionalNumber(String name, double above, double max) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || !(value.doubleValue() > above) || value.doubleValue() > max) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be a number greater than "
                    + format(above) + " and at most " + format(max) + ".");
        }
        return value.doubleValue();
    }

    /** One of {@code choices} (any case), returned as spelled there, or null when absent. */
    String optionalChoice(String name, List<String> choices) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            for (String choice : choices) {
                if (choice.equalsIgnoreCase(value.textValue())) {
                    return choice;
                }
            }
        }
        throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be one of "
                + String.join(", ", choices) + ".");
    }

    /** An ISO-8601 duration (PT30S) from zero to {@code max}, or null when absent. */
    Duration optionalDuration(String name, Duration max) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        try {
            Duration duration = Duration.parse(value.asText());
            if (value.isTextual() && !duration.isNegative() && duration.compareTo(max) <= 0) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be an ISO-8601 duration"
                + " such as PT30S, from PT0S to " + max + ".");
    }

    /** An array of up to {@code max} strings each matching {@code rule}, or null when absent. */
    List<String> optionalTextArray(String name, Pattern rule, String ruleText, int max) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isArray() || value.size() > max) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be an array of at most "
                    + max + " strings.");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (!element.isTextual() || !rule.matcher(element.textValue()).matches()) {
                String at = path(name) + "[" + i + "]";
                throw ApiException.invalidParameter(at, "Property '" + at + "' must be " + ruleText + ".");
            }
            texts.add(element.textValue());
        }
        return texts;
    }

    /** An array of {@code min} to {@code max} objects, or an empty list when absent. */
    List<JsonBody> optionalObjectArray(String name, int min, int max) {
        return has(name) ? requiredObjectArray(name, min, max) : List.of();
    }

    /** An array of {@code min} to {@code max} objects; element paths read {@code name[i].}. */
    List<JsonBody> requiredObjectArray(String name, int min, int max) {
        JsonNode value = present(name);
        if (value == null) {
            throw ApiException.missingProperty(path(name));
        }
        if (!value.isArray() || value.size() < min || value.size() > max) {
            throw ApiException.invalidParameter(path(name), "Property '" + path(name) + "' must be an array of " + min
                    + " to " + max + " objects.");
        }
        List<JsonBody> elements = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String element = path(name) + "[" + i + "]";
            if (!value.get(i).isObject()) {
                throw ApiException.invalidParameter(element, "Property '" + element + "' must be a JSON object.");
            }
            elements.add(new JsonBody((ObjectNode) value.get(i), element + "."));
        }
        return elements;
    }

    /** Whether the property is given (not absent, not null). */
    boolean has(String name) {
        return present(name) != null;
    }

    Iterable<Map.Entry<String, JsonNode>> fields() {
        return node::fields;
    }

    private static String format(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }

    String path(String name) {
        return path + name;
    }

    private JsonNode present(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }
}

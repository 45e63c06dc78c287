package dev.bulwark.cloud.rest.body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.model.Json;

/**
 * The checks on request content that come before any property is read: a JSON object, each name given once, no
 * NUL anywhere. Refusals never echo the content: it may hold protected settings.
 */
final class JsonContent {
    private JsonContent() {
    }

    static ObjectNode parse(String body) {
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
        return (ObjectNode) tree;
    }
}

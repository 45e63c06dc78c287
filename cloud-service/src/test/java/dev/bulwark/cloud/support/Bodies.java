package dev.bulwark.cloud.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Json;

/** Extension request bodies as a user would send them. */
public final class Bodies {
    public static final String PUBLISHER = "Contoso.Monitoring";
    public static final String TYPE = "LogShipper";

    private Bodies() {
    }

    public static ObjectNode extension(String version) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("location", "westeurope");
        ObjectNode properties = body.putObject("properties");
        properties.put("publisher", PUBLISHER);
        properties.put("type", TYPE);
        properties.put("typeHandlerVersion", version);
        properties.putObject("settings").put("endpoint", "https://logs.example.test");
        return body;
    }

    public static ObjectNode extensionWithSecret(String version, String secret) {
        ObjectNode body = extension(version);
        ((ObjectNode) body.get("properties")).putObject("protectedSettings").put("token", secret);
        return body;
    }
}

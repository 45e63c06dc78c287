package dev.bulwark.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from the build (reported to the cloud and shown by {@code show}). */
public final class AgentVersion {
    public static final String VERSION = load();

    private AgentVersion() {
    }

    private static String load() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/bulwark-agent-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String version = properties.getProperty("version", "");
            return version.isBlank() || version.startsWith("${") ? "0.0.0-dev" : version;
        } catch (IOException e) {
            return "0.0.0-dev";
        }
    }
}

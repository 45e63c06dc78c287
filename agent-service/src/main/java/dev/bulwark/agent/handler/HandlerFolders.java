package dev.bulwark.agent.handler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.pkg.VerifyingPackageGate;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;

import java.nio.file.Path;

/**
 * Where one version of one extension lives on a machine (docs/extension-handlers.md, "What an extension
 * gets"): the read-only package folder with {@code HandlerEnvironment.json} and {@code config/}, the
 * handler's {@code status/}, and per extension (across versions) its data, keys and logs.
 */
record HandlerFolders(Path machineHome, ExtensionId extension, String version) {
    static final String ENVIRONMENT_FILE = "HandlerEnvironment.json";
    static final String DATA_DIR = "extension-data";
    static final String KEYS_DIR = "extension-keys";
    static final String LOGS_DIR = "extension-logs";

    /** The package folder, as the package gate places a machine's own copy. */
    Path packageDir() {
        return extensionsRoot().resolve(extension.dotted() + "-" + version);
    }

    Path extensionsRoot() {
        return machineHome.resolve(VerifyingPackageGate.EXTENSIONS_DIR);
    }

    /** The catalog's per-file hashes of the package, kept where only the agent can write. */
    Path verifiedFiles() {
        return extensionsRoot().resolve(extension.dotted() + "-" + version + ".files.json");
    }

    Path environmentFile() {
        return packageDir().resolve(ENVIRONMENT_FILE);
    }

    Path configDir() {
        return packageDir().resolve("config");
    }

    Path settingsFile(int sequence) {
        return configDir().resolve(sequence + ".settings");
    }

    Path statusDir() {
        return packageDir().resolve("status");
    }

    Path statusFile(int sequence) {
        return statusDir().resolve(sequence + ".status");
    }

    Path heartbeatFile() {
        return statusDir().resolve("heartbeat.json");
    }

    Path dataDir() {
        return machineHome.resolve(DATA_DIR).resolve(extension.dotted());
    }

    Path keyDir() {
        return machineHome.resolve(KEYS_DIR).resolve(extension.dotted());
    }

    /** The agent's record of each command and its captured output. */
    Path commandLogDir() {
        return machineHome.resolve(LOGS_DIR).resolve(extension.dotted());
    }

    /** The handler's own log folder. */
    Path handlerLogDir() {
        return commandLogDir().resolve("handler");
    }

    /** {@code HandlerEnvironment.json}, in Azure's shape plus Bulwark's {@code dataFolder} and {@code keyFolder}. */
    byte[] environmentJson() {
        ArrayNode root = Json.MAPPER.createArrayNode();
        ObjectNode handler = root.addObject();
        handler.put("name", extension.dotted());
        handler.put("version", 1.0);
        ObjectNode environment = handler.putObject("handlerEnvironment");
        environment.put("logFolder", handlerLogDir().toString());
        environment.put("configFolder", configDir().toString());
        environment.put("statusFolder", statusDir().toString());
        environment.put("heartbeatFile", heartbeatFile().toString());
        environment.put("dataFolder", dataDir().toString());
        environment.put("keyFolder", keyDir().toString());
        return Json.encode(root);
    }
}

package dev.bulwark.model.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static dev.bulwark.model.catalog.VerificationFailure.HandlerManifestInvalid;

/**
 * {@code HandlerManifest.json} at the root of an extension package, in the Azure VM extension format
 * ({@code [{"version": 1.0, "handlerManifest": {...}}]}; a single object is read too). The five commands
 * run from the extension's folder. {@code ownService} is Bulwark's addition: true when the extension runs
 * as its own system service (keeps running when the extension manager is disabled), false when the
 * extension manager hosts it.
 */
public record HandlerManifest(String installCommand, String uninstallCommand, String updateCommand,
                              String enableCommand, String disableCommand, boolean rebootAfterInstall,
                              boolean reportHeartbeat, boolean continueOnUpdateFailure, String updateMode,
                              boolean ownService) {

    public static final String FILE_NAME = "HandlerManifest.json";
    public static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_COMMAND_LENGTH = 1024;
    private static final Set<String> UPDATE_MODES = Set.of("UpdateWithInstall", "UpdateWithoutInstall");

    /** Parses the file; {@link #validate} checks it against the package. */
    public static HandlerManifest parse(byte[] json) throws VerificationException {
        JsonNode root;
        try {
            root = Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(json);
        } catch (IOException e) {
            throw invalid("is not valid JSON");
        }
        if (root != null && root.isArray()) {
            if (root.size() != 1) {
                throw invalid("must hold exactly one handler (an array of one object)");
            }
            root = root.get(0);
        }
        JsonNode handler = root == null ? null : root.get("handlerManifest");
        if (handler == null || !handler.isObject()) {
            throw invalid("has no handlerManifest object");
        }
        try {
            return Json.MAPPER.treeToValue(handler, HandlerManifest.class);
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("has a handlerManifest that does not match the format: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The commands by their manifest names, in lifecycle order. */
    public Map<String, String> commands() {
        Map<String, String> commands = new LinkedHashMap<>();
        commands.put("installCommand", installCommand);
        commands.put("enableCommand", enableCommand);
        commands.put("updateCommand", updateCommand);
        commands.put("disableCommand", disableCommand);
        commands.put("uninstallCommand", uninstallCommand);
        return commands;
    }

    /**
     * Every command is present, one line, and does not reach outside the package: a command whose program is
     * a path ({@code bin/handler install}, {@code scripts\install.sh}) must name a file in {@code packageFiles}.
     * A bare program name ({@code python3 main.py}) is looked up on the machine as usual.
     */
    public void validate(Set<String> packageFiles) throws VerificationException {
        for (Map.Entry<String, String> command : commands().entrySet()) {
            String text = command.getValue();
            if (text == null || text.isBlank()) {
                throw invalid("has no " + command.getKey());
            }
            if (text.length() > MAX_COMMAND_LENGTH || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw invalid(command.getKey() + " must be one line of at most " + MAX_COMMAND_LENGTH + " characters");
            }
            String program = text.strip().split("\\s+", 2)[0].replace("\"", "").replace("'", "");
            if (program.contains("/") || program.contains("\\")) {
                String path = program.replace('\\', '/');
                while (path.startsWith("./")) {
                    path = path.substring(2);
                }
                if (ArchivePaths.problem(path) != null) {
                    throw invalid(command.getKey() + " runs '" + program + "', which is not a plain relative path inside the package");
                }
                if (!packageFiles.contains(path)) {
                    throw invalid(command.getKey() + " runs '" + program + "', which is not in the package");
                }
            }
        }
        if (updateMode != null && !UPDATE_MODES.contains(updateMode)) {
            throw invalid("has updateMode '" + updateMode + "'; expected one of " + UPDATE_MODES);
        }
    }

    private static VerificationException invalid(String why) {
        return new VerificationException(HandlerManifestInvalid, FILE_NAME + " " + why);
    }
}

package dev.bulwark.model.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.bulwark.model.catalog.VerificationFailure.HandlerManifestInvalid;

/**
 * {@code HandlerManifest.json} at the root of an extension package, in the Azure VM extension format
 * ({@code [{"version": 1.0, "handlerManifest": {...}}]}; a single object is read too). The five commands
 * run from the extension's folder, each a file of the package and its arguments, without a shell ({@link #split}). {@code ownService} is Bulwark's addition: true when the extension runs
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
    private static final String RULE = "a command must be a path to a file in the package (bin/handler install)";

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
     * Every command is present, one line, and runs a file of the package: its program (the first word, after an
     * optional leading {@code ./}) must be a plain relative path ({@link ArchivePaths}) that is in
     * {@code packageFiles}, whether or not it has a '/' ({@code bin/handler install}; {@code handler install}
     * for a file at the root). A bare program name ({@code sh -c ...}, {@code python3 main.py}), an absolute
     * path, {@code ..}, quotes and backslashes are refused: commands run without a shell, split on spaces
     * ({@link #split}).
     */
    public void validate(Set<String> packageFiles) throws VerificationException {
        for (Map.Entry<String, String> command : commands().entrySet()) {
            List<String> argv = split(command.getKey(), command.getValue());
            String program = argv.get(0);
            if (!packageFiles.contains(program)) {
                throw invalid(command.getKey() + " runs '" + ArchivePaths.printable(program)
                        + "', which is not a file in the package: " + RULE);
            }
        }
        if (updateMode != null && !UPDATE_MODES.contains(updateMode)) {
            throw invalid("has updateMode '" + updateMode + "'; expected one of " + UPDATE_MODES);
        }
    }

    /**
     * The command the agent runs for a manifest command name ({@code "enableCommand"}, one of the keys of
     * {@link #commands()}): {@link #split} of its text. Call on a manifest that passed {@link #validate}, which
     * also checks that the program is a file of the package.
     */
    public List<String> argv(String commandName) throws VerificationException {
        if (!commands().containsKey(commandName)) {
            throw new IllegalArgumentException("no manifest command named '" + commandName + "'; expected one of "
                    + commands().keySet());
        }
        return split(commandName, commands().get(commandName));
    }

    /**
     * How a command is run, the one place that parses it: no shell, words separated by spaces. Returns the
     * program, a relative path inside the package without a leading {@code ./} (resolve it against the
     * package folder), followed by the arguments. Refuses what {@link #validate} refuses, except that
     * whether the program is a file of the package is for the caller to check.
     */
    public static List<String> split(String commandText) throws VerificationException {
        return split("command", commandText);
    }

    private static List<String> split(String name, String text) throws VerificationException {
        if (text == null || text.isBlank()) {
            throw invalid("has no " + name);
        }
        if (text.length() > MAX_COMMAND_LENGTH || text.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
            throw invalid(name + " must be one line of at most " + MAX_COMMAND_LENGTH + " characters");
        }
        if (text.codePoints().anyMatch(c -> c != ' ' && (Character.isWhitespace(c) || Character.isSpaceChar(c)))) {
            throw invalid(name + " has a space character other than ' ': words of a command are separated by plain spaces");
        }
        if (text.chars().anyMatch(c -> c == '"' || c == '\'' || c == '`' || c == '\\')) {
            throw invalid(name + " '" + text + "' has a quote or a backslash: commands run without a shell, split on"
                    + " spaces, so nothing can be quoted or escaped; " + RULE);
        }
        List<String> words = new ArrayList<>(List.of(text.strip().split(" +")));
        String program = words.get(0);
        String path = program.startsWith("./") ? program.substring(2) : program;
        String problem = path.endsWith("/") ? "is a folder" : ArchivePaths.problem(path);
        if (problem != null) {
            throw invalid(name + " runs '" + program + "', which " + problem + ": " + RULE);
        }
        words.set(0, path);
        return List.copyOf(words);
    }

    private static VerificationException invalid(String why) {
        return new VerificationException(HandlerManifestInvalid, FILE_NAME + " " + why);
    }
}

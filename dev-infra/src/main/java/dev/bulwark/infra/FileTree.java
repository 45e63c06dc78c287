package dev.bulwark.infra;

import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The few file operations the launchers need: wipe a data directory, show the end of a log, keep a few facts
 * about a data directory (its ports, its cluster id) in a properties file.
 */
final class FileTree {

    private FileTree() {
    }

    /** Deletes {@code dir} and everything below it; nothing happens if it does not exist. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }

    /** The last {@code lines} lines of a log, or a note saying why there are none. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(" + file + " does not exist)";
            }
            // Decoding leniently: a log cut in the middle of a character must still be shown.
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    /** The properties in {@code file}; empty when it is missing or unreadable (a half-written file counts as none). */
    static Properties readProperties(Path file) {
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                return new Properties();
            }
        }
        return properties;
    }

    /** Replaces {@code file} with {@code values} (written next to it, then renamed: never half-written). */
    static void writeProperties(Path file, Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder("# Written by dev.bulwark.infra\n");
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        PrivateFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /** An integer property, or 0 when it is missing or not a number. */
    static int intProperty(Properties properties, String key) {
        try {
            return Integer.parseInt(properties.getProperty(key, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

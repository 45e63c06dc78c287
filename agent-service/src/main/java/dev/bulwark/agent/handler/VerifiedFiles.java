package dev.bulwark.agent.handler;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The catalog's per-file hashes of an installed package, kept beside it where only the agent can write, and
 * checked again before every handler command: what runs is what was verified, even if something changed
 * the files in between.
 */
final class VerifiedFiles {
    private VerifiedFiles() {
    }

    static void record(Path file, List<Catalog.FileEntry> files) throws IOException {
        PrivateFiles.write(file, Json.encode(files), true);
    }

    static List<Catalog.FileEntry> read(Path file) throws IOException {
        return Json.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<List<Catalog.FileEntry>>() {
        });
    }

    /** The first file that differs from the catalog (missing, a link, other length or hash), or null. */
    static String firstDifference(Path packageDir, List<Catalog.FileEntry> files) throws IOException {
        for (Catalog.FileEntry expected : files) {
            Path file = packageDir.resolve(expected.path()).normalize();
            if (!file.startsWith(packageDir) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return expected.path() + " is missing or not a regular file";
            }
            Catalog.Digest actual = Sha256.ofFile(file);
            if (actual.length() != expected.length() || !actual.sha256().equals(expected.sha256())) {
                return expected.path() + " has SHA-256 " + actual.sha256() + " (" + actual.length() + " bytes), the catalog lists "
                        + expected.sha256() + " (" + expected.length() + " bytes)";
            }
        }
        return null;
    }
}

package dev.bulwark.agent.guest;

import dev.bulwark.model.GuestAssignment;
import dev.bulwark.model.GuestComplianceReport.RuleResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Evaluates the audit rules of a guest assignment. Read-only by construction: nothing here opens a file
 * for writing, runs a program or follows an instruction from the rule beyond "does this path exist" and
 * "does this file contain this literal text". A result is yes/no with a short reason naming the path,
 * never file content.
 * <ul>
 *   <li>Paths must be absolute: a relative path would depend on the agent's working directory.</li>
 *   <li>{@code FileContains} reads at most the first {@value #MAX_BYTES_READ} bytes of a regular file
 *       (never a pipe or device, which could block or never end), and never the agent's own files: a yes/no
 *       answer repeated for many patterns would otherwise leak the machine's private keys to whoever can
 *       send assignments.</li>
 * </ul>
 */
public final class GuestRules {
    public static final int MAX_BYTES_READ = 1 << 20;
    public static final int MAX_PATTERN_BYTES = 4096;

    private final List<Path> protectedRoots;

    /** {@code protectedRoots}: the agent's home folders, whose files {@code FileContains} never reads. */
    public GuestRules(List<Path> protectedRoots) {
        this.protectedRoots = protectedRoots.stream().map(GuestRules::real).toList();
    }

    public List<RuleResult> evaluate(List<GuestAssignment.Rule> rules) {
        return rules.stream().map(this::evaluate).toList();
    }

    RuleResult evaluate(GuestAssignment.Rule rule) {
        String id = rule.id() == null ? "" : rule.id();
        if (rule.kind() == null) {
            return new RuleResult(id, false, "rule refused: it has no kind");
        }
        Path path = absolute(rule.path());
        if (path == null) {
            return new RuleResult(id, false, "rule refused: '" + rule.path() + "' is not an absolute path");
        }
        boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        return switch (rule.kind()) {
            case FileExists -> new RuleResult(id, exists, path + (exists ? " exists" : " does not exist"));
            case FileAbsent -> new RuleResult(id, !exists, path + (exists ? " exists" : " does not exist"));
            case FileContains -> contains(id, path, rule.pattern());
        };
    }

    private RuleResult contains(String id, Path path, String pattern) {
        byte[] needle = pattern == null ? new byte[0] : pattern.getBytes(StandardCharsets.UTF_8);
        if (needle.length == 0 || needle.length > MAX_PATTERN_BYTES) {
            return new RuleResult(id, false, "rule refused: the pattern must be 1 to " + MAX_PATTERN_BYTES + " bytes");
        }
        if (!Files.exists(path)) {
            return new RuleResult(id, false, path + " does not exist");
        }
        if (!Files.isRegularFile(path)) {
            return new RuleResult(id, false, path + " is not a regular file");
        }
        try {
            Path file = path.toRealPath();
            if (protectedRoots.stream().anyMatch(file::startsWith)) {
                return new RuleResult(id, false, "rule refused: " + path + " is one of the agent's own files, which rules never read");
            }
            byte[] head;
            boolean more;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                head = in.readNBytes(MAX_BYTES_READ);
                more = in.read() >= 0;
            }
            boolean found = indexOf(head, needle) >= 0;
            return new RuleResult(id, found, path + (found ? " contains the expected text" : " does not contain the expected text"
                    + (more ? " in its first " + MAX_BYTES_READ + " bytes (no more is read)" : "")));
        } catch (IOException e) {
            return new RuleResult(id, false, path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Path absolute(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Path path = Path.of(text);
            return path.isAbsolute() ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}

package dev.bulwark.model.catalog;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

import static dev.bulwark.model.catalog.VerificationFailure.UnsafeArchiveEntry;

/**
 * Which entry names may be extracted. A name is relative, '/'-separated, and means the same file on Linux
 * and Windows: no absolute path, drive letter, {@code ..} or {@code .} segment, backslash, colon, control
 * character, empty segment, trailing dot or space, or Windows device name.
 */
public final class ArchivePaths {
    public static final int MAX_NAME_LENGTH = 1024;
    private static final int MAX_SEGMENT_LENGTH = 255;
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private ArchivePaths() {
    }

    /** Refuses an unsafe entry name, saying why. A trailing '/' marks a folder. */
    public static void check(String name) throws VerificationException {
        String why = problem(name);
        if (why != null) {
            throw new VerificationException(UnsafeArchiveEntry, "entry '" + printable(name) + "' " + why);
        }
    }

    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "has an empty name";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "has a name longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "has a control character in its name";
            }
            if (c == '\\') {
                return "has a backslash, a path separator on Windows";
            }
            if (c == ':') {
                return "has a colon (drive letter or alternate data stream on Windows)";
            }
        }
        if (name.startsWith("/")) {
            return "is an absolute path";
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty path segment";
            }
            if (segment.equals("..")) {
                return "climbs out of the package with '..'";
            }
            if (segment.equals(".")) {
                return "has a '.' segment";
            }
            if (segment.length() > MAX_SEGMENT_LENGTH) {
                return "has a segment longer than " + MAX_SEGMENT_LENGTH + " characters";
            }
            if (segment.endsWith(".") || segment.endsWith(" ")) {
                return "has a segment ending in '.' or ' ', which Windows silently drops";
            }
            String stem = segment.toLowerCase(Locale.ROOT);
            int dot = stem.indexOf('.');
            if (WINDOWS_DEVICES.contains(dot < 0 ? stem : stem.substring(0, dot))) {
                return "is a Windows device name";
            }
        }
        return null;
    }

    /**
     * The name as a case-insensitive, Unicode-normalised file system sees it, without a trailing '/':
     * two entries with the same key would be the same file on some machine.
     */
    public static String collisionKey(String name) {
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        return Normalizer.normalize(path, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** For messages: control characters shown as escapes so a name cannot forge log lines. */
    public static String printable(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(300).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}

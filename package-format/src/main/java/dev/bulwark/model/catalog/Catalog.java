package dev.bulwark.model.catalog;

import dev.bulwark.model.ExtensionId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The signed catalog: every published package version with the length and SHA-256 of its ZIP and of each
 * file in it. {@code catalogVersion} only grows; {@code expires} bounds how long a stale copy is accepted.
 * {@code signatures} are enveloped: each covers {@link CatalogSigner#signedBytes} of everything else.
 * Wire format and example: {@code docs/catalog-and-threat-model.md}.
 */
public record Catalog(int schemaVersion, long catalogVersion, Instant issuedAt, Instant expires,
                      List<PackageEntry> packages, List<KeySignature> signatures) {

    public static final int SCHEMA_VERSION = 1;
    public static final String SIGNATURES_FIELD = "signatures";

    /** Publisher, type and version end up in folder names: letters, digits, dot, dash, underscore, plus. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

    public Catalog {
        packages = packages == null ? null : List.copyOf(packages);
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
    }

    public static Catalog unsigned(long catalogVersion, Instant issuedAt, Instant expires, List<PackageEntry> packages) {
        return new Catalog(SCHEMA_VERSION, catalogVersion, issuedAt, expires, packages, List.of());
    }

    public Catalog withSignatures(List<KeySignature> signatures) {
        return new Catalog(schemaVersion, catalogVersion, issuedAt, expires, packages, signatures);
    }

    /** The entry for exactly this publisher/type (case-insensitive, like {@link ExtensionId}) and version. */
    public Optional<PackageEntry> find(ExtensionId extension, String version) {
        return packages.stream()
                .filter(p -> p.extension().equals(extension) && p.version().equals(version))
                .findFirst();
    }

    /** The entry whose ZIP has this length and hash (for verifying a ZIP named by nothing else). */
    public Optional<PackageEntry> findByZip(Digest zip) {
        return packages.stream().filter(p -> p.zip().equals(zip)).findFirst();
    }

    /** Structural rules every catalog obeys; the first broken one is returned, or empty. */
    public Optional<String> problem() {
        if (schemaVersion != SCHEMA_VERSION) {
            return Optional.of("schemaVersion " + schemaVersion + " is not supported (this build reads " + SCHEMA_VERSION + ")");
        }
        if (catalogVersion < 1) {
            return Optional.of("catalogVersion must be 1 or more");
        }
        if (issuedAt == null || expires == null) {
            return Optional.of("issuedAt and expires are required");
        }
        if (!expires.isAfter(issuedAt)) {
            return Optional.of("expires must be after issuedAt");
        }
        if (packages == null) {
            return Optional.of("packages is required");
        }
        Set<String> seen = new HashSet<>();
        for (PackageEntry p : packages) {
            Optional<String> problem = p.problem();
            if (problem.isPresent()) {
                return problem;
            }
            if (!seen.add(p.extension().key() + "@" + p.version())) {
                return Optional.of("package " + p.label() + " is listed twice");
            }
        }
        return Optional.empty();
    }

    static boolean isName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /** One published version: who, what, the ZIP, and every file in it. */
    public record PackageEntry(String publisher, String type, String version, Digest zip, List<FileEntry> files) {
        public PackageEntry {
            files = files == null ? null : List.copyOf(files);
        }

        public ExtensionId extension() {
            return new ExtensionId(publisher, type);
        }

        public String label() {
            return publisher + "/" + type + " " + version;
        }

        /** Files by path, sorted, so two listings of the same content compare and hash equal. */
        public List<FileEntry> sortedFiles() {
            List<FileEntry> sorted = new ArrayList<>(files);
            sorted.sort(Comparator.comparing(FileEntry::path));
            return sorted;
        }

        /** SHA-256 of the sorted file listing: with the ZIP hash, the key of a verified package. */
        public String listingSha256() {
            StringBuilder text = new StringBuilder();
            for (FileEntry f : sortedFiles()) {
                text.append(f.path()).append('\0').append(f.length()).append('\0').append(f.sha256()).append('\n');
            }
            return Sha256.hex(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /** The sum of the listed file lengths; {@code Long.MAX_VALUE} if it overflows (a hostile catalog). */
        public long totalFileLength() {
            long total = 0;
            for (FileEntry f : files) {
                if (f.length() < 0 || total > Long.MAX_VALUE - f.length()) {
                    return Long.MAX_VALUE;
                }
                total += f.length();
            }
            return total;
        }

        Optional<String> problem() {
            if (!isName(publisher) || !isName(type) || !isName(version)) {
                return Optional.of("package '" + publisher + "/" + type + " " + version + "': publisher, type and version"
                        + " must be 1 to 128 letters, digits, '.', '_', '-' or '+'");
            }
            if (zip == null || zip.length() < 1 || !Sha256.isHex(zip.sha256())) {
                return Optional.of("package " + label() + ": zip needs a positive length and a lower-case hex sha256");
            }
            if (files == null) {
                return Optional.of("package " + label() + ": files is required");
            }
            Set<String> paths = new HashSet<>();
            for (FileEntry f : files) {
                if (f == null || f.path() == null || f.path().isEmpty() || f.length() < 0 || !Sha256.isHex(f.sha256())) {
                    return Optional.of("package " + label() + ": every file needs a path, a length of 0 or more and a sha256");
                }
                if (f.path().length() > ArchivePaths.MAX_NAME_LENGTH || f.path().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    // No escapes in the file: every changed byte changes what the signature covers.
                    return Optional.of("package " + label() + ": file path '" + ArchivePaths.printable(f.path())
                            + "' is too long or has control characters");
                }
                if (!paths.add(f.path().toLowerCase(Locale.ROOT))) {
                    return Optional.of("package " + label() + ": file '" + f.path() + "' is listed twice");
                }
            }
            return Optional.empty();
        }
    }

    /** Length in bytes and lower-case hex SHA-256. */
    public record Digest(long length, String sha256) {
    }

    /** One file of a package: its path inside the ZIP ('/'-separated), length and SHA-256 after decompression. */
    public record FileEntry(String path, long length, String sha256) {
    }

    /** A signature over the catalog by the key whose fingerprint is {@code keyId} ({@link TrustedKeys#keyId}). */
    public record KeySignature(String keyId, String sig) {
    }
}

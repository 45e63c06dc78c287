package dev.bulwark.publisher;

import dev.bulwark.model.files.PrivateFiles;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogSigner;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.PackageInspector;
import dev.bulwark.model.catalog.PackageScanner;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code publisher sign}: a catalog over one or more package ZIPs, signed by one or more keys (two during a
 * key rotation). Each ZIP passes the same intake as a cloud upload ({@link PackageInspector}: strict archive,
 * manifest, malware scan) unless {@code --unchecked}.
 */
@Command(name = "sign",
        description = "Sign a catalog listing the given package ZIPs: for each, its publisher, type, version, the ZIP's"
                + " length and SHA-256 and every file's path, length and SHA-256.")
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "Private key from 'publisher keygen'. Repeat to sign with several keys (key rotation).")
    List<Path> keys;

    @Option(names = "--catalog-version", required = true, paramLabel = "N",
            description = "The catalog version: higher than any catalog signed before, agents refuse older ones.")
    long catalogVersion;

    @Option(names = "--expires", required = true, paramLabel = "ISO-8601",
            description = "When agents stop accepting this catalog: an instant (2026-01-31T00:00:00Z), a date (UTC midnight)"
                    + " or a duration from now (P30D).")
    String expires;

    @Option(names = "--out", required = true, paramLabel = "CATALOG", description = "The catalog file to write.")
    Path out;

    @Option(names = "--unchecked",
            description = "List the ZIPs as they are, without archive, manifest or malware checks. Only for building the"
                    + " signed-but-malicious packages of a compromised publisher in tests.")
    boolean unchecked;

    @Parameters(arity = "1..*", paramLabel = "ZIP", description = "The package ZIPs to list.")
    List<Path> zips;

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        Instant expiry = parseExpiry(expires, now);
        if (catalogVersion < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--catalog-version must be 1 or more");
        }
        if (!expiry.isAfter(now) && !unchecked) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--expires " + expires + " is not in the future");
        }
        List<CatalogSigner> signers = new ArrayList<>();
        for (Path key : keys) {
            signers.add(new CatalogSigner(KeyFiles.readPrivate(key)));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PackageInspector inspector = new PackageInspector(PackageScanner.withClamscanIfInstalled(), ArchiveLimits.DEFAULTS);
        List<Catalog.PackageEntry> entries = new ArrayList<>();
        Map<String, Path> byIdentity = new HashMap<>();
        for (Path zip : zips) {
            if (!Files.isRegularFile(zip)) {
                throw new java.nio.file.NoSuchFileException(zip.toString());
            }
            Catalog.PackageEntry entry = unchecked ? PackageInspector.listUnchecked(zip) : inspector.inspect(zip, null).entry();
            Path earlier = byIdentity.putIfAbsent(entry.extension().key() + "@" + entry.version(), zip);
            if (earlier != null) {
                throw new VerificationException(VerificationFailure.PackageIdentityInvalid, earlier + " and " + zip
                        + " are both " + entry.label());
            }
            entries.add(entry);
            stdout.println("listed " + entry.label() + " from " + zip + (unchecked ? " (UNCHECKED)" : "") + ": "
                    + entry.files().size() + " files, sha256 " + entry.zip().sha256());
        }
        Catalog catalog = Catalog.unsigned(catalogVersion, now, expiry, entries);
        for (CatalogSigner signer : signers) {
            try {
                catalog = signer.sign(catalog);
            } catch (IllegalArgumentException e) {
                throw new VerificationException(VerificationFailure.CatalogMalformed, e.getMessage());
            }
        }
        write(CatalogSigner.encode(catalog));
        stdout.println("signed catalog version " + catalogVersion + " (expires " + expiry + ") with key "
                + String.join(", ", signers.stream().map(s -> TrustedKeys.shortId(s.keyId())).toList()) + " into " + out);
        return PublisherCli.OK;
    }

    private void write(byte[] bytes) throws java.io.IOException {
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        PrivateFiles.writeWorldReadable(target, bytes, true); // a catalog is public: agents download it
    }

    /** An ISO-8601 instant or offset date-time, a date (midnight UTC), or a duration or period from now. */
    static Instant parseExpiry(String text, Instant now) {
        String value = text.trim();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return now.plus(Duration.parse(value));
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return now.atOffset(ZoneOffset.UTC).plus(Period.parse(value)).toInstant();
        } catch (DateTimeParseException ignored) {
            throw new IllegalArgumentException("--expires '" + text + "' is not an ISO-8601 instant, date or duration"
                    + " (for example 2026-01-31T00:00:00Z, 2026-01-31 or P30D)");
        }
    }
}

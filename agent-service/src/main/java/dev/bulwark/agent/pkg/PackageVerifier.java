package dev.bulwark.agent.pkg;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.CatalogVerifier;
import dev.bulwark.model.catalog.HandlerManifest;
import dev.bulwark.model.catalog.Sha256;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.catalog.VerifiedCatalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooLarge;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooManyEntries;
import static dev.bulwark.model.catalog.VerificationFailure.CatalogRollback;
import static dev.bulwark.model.catalog.VerificationFailure.HandlerManifestInvalid;
import static dev.bulwark.model.catalog.VerificationFailure.PackageHashMismatch;
import static dev.bulwark.model.catalog.VerificationFailure.PackageLengthMismatch;
import static dev.bulwark.model.catalog.VerificationFailure.PackageNotInCatalog;

/**
 * The agent's package checks, in order; the first failure refuses the operation (reported Failed with
 * {@code PackageVerificationFailed} and the {@link VerificationFailure} as reason) and nothing of the
 * package is left extracted or run.
 * <ol>
 *   <li>{@link #checkCatalog}, per machine: signature by one of the machine's trusted keys, expiry against
 *       the agent's clock, not older than the operation requires, not older than (or, at the same version,
 *       different from) the catalog this machine accepted last.</li>
 *   <li>{@link VerifiedCatalog#require}: the catalog lists exactly this publisher, type and version. The
 *       listed ZIP length is what {@link PackageDownloader} may download.</li>
 *   <li>{@link #checkPackage}: the downloaded ZIP's length and SHA-256 equal the catalog's, then the
 *       archive is extracted by {@link SafeExtractor} (every entry listed, hashes, limits) and its
 *       {@code HandlerManifest.json} checked.</li>
 * </ol>
 * One instance serves a whole JVM: a ZIP verified against a listing is extracted once, into
 * {@code cacheRoot/<zip sha256>-<listing digest>}, and shared, so a host of many simulated machines
 * verifies each package once while steps 1 and 2 still run for every machine. Catalog signature verdicts
 * (which depend only on the bytes and the trusted keys) are cached too; expiry and rollback never are.
 */
public final class PackageVerifier {
    /** Failures that depend only on the ZIP and the listing, so remembering them is safe. */
    private static final Set<VerificationFailure> NOT_CACHED = EnumSet.of(VerificationFailure.ExtractionFailed);
    private static final int SIGNATURE_CACHE_SIZE = 256;

    /** A package that passed every check: its extracted files (shared, read-only) and its manifest. */
    public record VerifiedPackage(Path directory, HandlerManifest manifest, Catalog.PackageEntry entry) {
    }

    /** Everything {@link #verify} needs about one machine and one ZIP already on disk. */
    public record Request(byte[] catalog, TrustedKeys trustedKeys, CatalogHistory history, long minimumCatalogVersion,
                          ExtensionId extension, String version, DownloadedPackage zip) {
    }

    private final Path cacheRoot;
    private final ArchiveLimits limits;
    private final Clock clock;
    private final SafeExtractor extractor;
    private final Map<String, CompletableFuture<VerifiedPackage>> packages = new ConcurrentHashMap<>();
    private final Map<String, Object> signatureVerdicts = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                    return size() > SIGNATURE_CACHE_SIZE;
                }
            });
    private final AtomicLong extractions = new AtomicLong();

    public PackageVerifier(Path cacheRoot, ArchiveLimits limits, Clock clock) {
        this.cacheRoot = cacheRoot.toAbsolutePath().normalize();
        this.limits = limits;
        this.clock = clock;
        this.extractor = new SafeExtractor(limits);
    }

    /** All checks for a ZIP already on disk; {@code extension} null means "whichever entry lists this ZIP". */
    public VerifiedPackage verify(Request request) throws VerificationException {
        VerifiedCatalog catalog = checkCatalog(request.catalog(), request.trustedKeys(), request.history(),
                request.minimumCatalogVersion());
        Catalog.PackageEntry entry;
        if (request.extension() != null) {
            entry = catalog.require(request.extension(), request.version());
        } else {
            entry = catalog.catalog().findByZip(request.zip().digest()).orElseThrow(() -> new VerificationException(
                    PackageNotInCatalog, "no package in catalog version " + catalog.version() + " has this ZIP's length ("
                    + request.zip().digest().length() + ") and SHA-256 (" + request.zip().digest().sha256() + ")"));
        }
        return checkPackage(entry, request.zip());
    }

    /** Step 1, for one machine: signature, expiry, minimum version and the machine's rollback history. */
    public VerifiedCatalog checkCatalog(byte[] catalogBytes, TrustedKeys trustedKeys, CatalogHistory history,
                                        long minimumVersion) throws VerificationException {
        VerifiedCatalog verified = verifiedSignature(catalogBytes, trustedKeys);
        CatalogVerifier.checkFresh(verified, clock.instant());
        if (verified.version() < minimumVersion) {
            throw new VerificationException(CatalogRollback, "the operation needs catalog version " + minimumVersion
                    + " or later; the catalog served is version " + verified.version());
        }
        history.accept(verified, clock.instant());
        return verified;
    }

    /** Step 3: the ZIP against its catalog entry, then its content (extracted once per JVM). */
    public VerifiedPackage checkPackage(Catalog.PackageEntry entry, DownloadedPackage zip) throws VerificationException {
        checkLimits(entry);
        if (zip.digest().length() != entry.zip().length()) {
            throw new VerificationException(PackageLengthMismatch, "the downloaded ZIP for " + entry.label() + " has "
                    + zip.digest().length() + " bytes, the catalog lists " + entry.zip().length());
        }
        if (!zip.digest().sha256().equals(entry.zip().sha256())) {
            throw new VerificationException(PackageHashMismatch, "the downloaded ZIP for " + entry.label()
                    + " has SHA-256 " + zip.digest().sha256() + ", the catalog lists " + entry.zip().sha256());
        }
        String key = cacheKey(entry);
        while (true) {
            CompletableFuture<VerifiedPackage> mine = new CompletableFuture<>();
            CompletableFuture<VerifiedPackage> cached = packages.putIfAbsent(key, mine);
            if (cached == null) {
                return extractOnce(key, mine, entry, zip);
            }
            try {
                VerifiedPackage verified = cached.join();
                if (Files.isDirectory(verified.directory(), LinkOption.NOFOLLOW_LINKS)) {
                    return new VerifiedPackage(verified.directory(), verified.manifest(), entry);
                }
                packages.remove(key, cached); // someone deleted the shared copy: verify again
            } catch (CompletionException e) {
                if (e.getCause() instanceof VerificationException refused) {
                    throw new VerificationException(refused.reason(), refused.getMessage(), refused);
                }
                throw e;
            }
        }
    }

    /**
     * The package this JVM already verified for exactly this listing, if its folder is still there. The
     * catalog entry names the ZIP by its SHA-256, so bytes verified once need not be downloaded again for
     * another machine: that machine's catalog checks ({@link #checkCatalog}) still ran.
     */
    public Optional<VerifiedPackage> cached(Catalog.PackageEntry entry) {
        CompletableFuture<VerifiedPackage> known = packages.get(cacheKey(entry));
        if (known == null || !known.isDone() || known.isCompletedExceptionally()) {
            return Optional.empty();
        }
        VerifiedPackage verified = known.join();
        if (!Files.isDirectory(verified.directory(), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(new VerifiedPackage(verified.directory(), verified.manifest(), entry));
    }

    /** How many times a ZIP was actually extracted (the rest were served from the cache). */
    public long extractions() {
        return extractions.get();
    }

    private static String cacheKey(Catalog.PackageEntry entry) {
        return entry.zip().sha256() + "/" + entry.listingSha256();
    }

    private VerifiedPackage extractOnce(String key, CompletableFuture<VerifiedPackage> mine, Catalog.PackageEntry entry,
                                        DownloadedPackage zip) throws VerificationException {
        // One folder per ZIP and listing: a wrong listing of the same ZIP never touches a verified copy.
        Path target = cacheRoot.resolve(entry.zip().sha256() + "-" + TrustedKeys.shortId(entry.listingSha256()));
        try {
            extractions.incrementAndGet();
            SafeExtractor.deleteTree(target); // left by an earlier process: its verdict is not known here
            extractor.extract(zip.file(), entry, target);
            HandlerManifest manifest = manifest(target, entry);
            VerifiedPackage verified = new VerifiedPackage(target, manifest, entry);
            mine.complete(verified);
            return verified;
        } catch (VerificationException e) {
            SafeExtractor.deleteTree(target);
            mine.completeExceptionally(e);
            if (NOT_CACHED.contains(e.reason())) {
                packages.remove(key, mine);
            }
            throw e;
        } catch (RuntimeException e) {
            SafeExtractor.deleteTree(target);
            mine.completeExceptionally(e);
            packages.remove(key, mine);
            throw e;
        }
    }

    private static HandlerManifest manifest(Path dir, Catalog.PackageEntry entry) throws VerificationException {
        Path file = dir.resolve(HandlerManifest.FILE_NAME);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > HandlerManifest.MAX_BYTES) {
                throw new VerificationException(HandlerManifestInvalid, entry.label() + " has no "
                        + HandlerManifest.FILE_NAME + " (or one larger than " + HandlerManifest.MAX_BYTES + " bytes)");
            }
            HandlerManifest manifest = HandlerManifest.parse(Files.readAllBytes(file));
            Set<String> paths = new HashSet<>();
            entry.files().forEach(f -> paths.add(f.path()));
            manifest.validate(paths);
            return manifest;
        } catch (IOException e) {
            throw new VerificationException(VerificationFailure.ExtractionFailed, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Limits the catalog's own numbers must respect, checked before anything is opened. */
    private void checkLimits(Catalog.PackageEntry entry) throws VerificationException {
        if (entry.zip().length() > limits.maxZipBytes()) {
            throw new VerificationException(ArchiveTooLarge, entry.label() + " is " + entry.zip().length()
                    + " bytes, more than this machine's limit of " + limits.maxZipBytes());
        }
        if (entry.files().size() > limits.maxEntries()) {
            throw new VerificationException(ArchiveTooManyEntries, entry.label() + " lists " + entry.files().size()
                    + " files, more than this machine's limit of " + limits.maxEntries());
        }
        if (entry.totalFileLength() > limits.maxTotalBytes()) {
            throw new VerificationException(ArchiveTooLarge, entry.label() + " lists " + entry.totalFileLength()
                    + " bytes of files, more than this machine's limit of " + limits.maxTotalBytes());
        }
    }

    private VerifiedCatalog verifiedSignature(byte[] catalogBytes, TrustedKeys trustedKeys) throws VerificationException {
        String key = Sha256.hex(catalogBytes) + "/" + String.join(",", trustedKeys.keyIds());
        Object verdict = signatureVerdicts.get(key);
        if (verdict == null) {
            try {
                verdict = new CatalogVerifier(trustedKeys).verifySignature(catalogBytes);
            } catch (VerificationException e) {
                verdict = e;
            }
            signatureVerdicts.put(key, verdict);
        }
        if (verdict instanceof VerificationException refused) {
            throw new VerificationException(refused.reason(), refused.getMessage(), refused);
        }
        return (VerifiedCatalog) verdict;
    }
}

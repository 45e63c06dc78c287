package dev.bulwark.agent.pkg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.ArchiveLimits;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerifiedCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.bulwark.model.catalog.VerificationFailure.PackageNotInCatalog;

/**
 * {@code bulwark-agent package verify}: the agent's package checks on a ZIP and a catalog on disk. Like the
 * agent it records the highest catalog version accepted in the home, so an older catalog is refused
 * afterwards (use another {@code --home} to experiment). Exit 0 verified, 1 refused, 2 usage or input error;
 * {@code --json} prints exactly {@code {"verified": bool, "reason": string|null, "message": string}}.
 */
@Command(name = "verify", description = {
        "Verify a package ZIP against a signed catalog, as the agent does before it opens a package: the catalog's"
                + " signature by a trusted key, its expiry and version (never older than the last one accepted here),"
                + " the package listed in it, the ZIP's length and SHA-256, then every entry while extracting into a"
                + " scratch folder that is deleted afterwards.",
        "Exit status: 0 verified, 1 refused, 2 usage or input error."})
public final class PackageVerifyCommand implements Callable<Integer> {
    static final int VERIFIED = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Mixin
    PackageOptions options;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--package", required = true, paramLabel = "ZIP", description = "The package ZIP.")
    Path packageFile;

    @Option(names = "--catalog", required = true, paramLabel = "FILE", description = "The signed catalog.")
    Path catalogFile;

    @Option(names = "--trust", paramLabel = "PUBLIC_KEY_FILE",
            description = "Also trust this catalog key, for this check only (repeatable). Keys added with"
                    + " 'package trust add' are always trusted.")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--publisher", paramLabel = "P", description = "Require the catalog entry of this publisher...")
    String publisher;

    @Option(names = "--type", paramLabel = "T", description = "...and type...")
    String type;

    @Option(names = "--version", paramLabel = "V", description = "...and version. Without them, the entry whose ZIP"
            + " hash matches is used.")
    String version;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
        int given = (publisher == null ? 0 : 1) + (type == null ? 0 : 1) + (version == null ? 0 : 1);
        if (given != 0 && given != 3) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--publisher, --type and --version go together");
        }
        byte[] catalog;
        DownloadedPackage zip;
        List<PublicKey> extraKeys = new ArrayList<>();
        try {
            catalog = Files.readAllBytes(catalogFile);
            zip = DownloadedPackage.of(packageFile);
            for (Path key : trust) {
                extraKeys.add(KeyFiles.readPublic(key));
            }
        } catch (NoSuchFileException e) {
            return answer(USAGE, null, e.getFile() + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            return answer(USAGE, null, e.getMessage());
        }
        Path home = options.home();
        Path scratch = Files.createTempDirectory("bulwark-verify-");
        try {
            TrustedKeys keys = new TrustStore(home).keys().with(TrustedKeys.of(extraKeys));
            PackageVerifier verifier = new PackageVerifier(scratch, ArchiveLimits.DEFAULTS, clock);
            VerifiedCatalog verified = verifier.checkCatalog(catalog, keys, CatalogHistory.inHome(home), 0);
            Catalog.PackageEntry entry = given == 3
                    ? verified.require(new ExtensionId(publisher, type), version)
                    : verified.catalog().findByZip(zip.digest()).orElseThrow(() -> new VerificationException(PackageNotInCatalog,
                            packageFile + " (" + zip.digest().length() + " bytes, SHA-256 " + zip.digest().sha256()
                                    + ") is not listed in catalog version " + verified.version()));
            PackageVerifier.VerifiedPackage pkg = verifier.checkPackage(entry, zip);
            return answer(VERIFIED, null, entry.label() + " is listed in catalog version " + verified.version()
                    + " (signed by key " + TrustedKeys.shortId(verified.keyId()) + ", expires " + verified.catalog().expires()
                    + "); the ZIP and its " + entry.files().size() + " files match, handler manifest valid"
                    + (pkg.manifest().ownService() ? " (runs as its own service)" : ""));
        } catch (VerificationException e) {
            return answer(REFUSED, e.reason().name(), e.getMessage());
        } finally {
            SafeExtractor.deleteTree(scratch);
        }
    }

    private int answer(int exit, String reason, String message) {
        if (options.json) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("verified", exit == VERIFIED);
            if (reason == null) {
                body.putNull("reason");
            } else {
                body.put("reason", reason);
            }
            body.put("message", message);
            spec.commandLine().getOut().println(body.toString());
        } else if (exit == USAGE) {
            spec.commandLine().getErr().println("Error: " + message);
        } else {
            spec.commandLine().getOut().println(exit == VERIFIED ? "verified: " + message : "refused (" + reason + "): " + message);
        }
        return exit;
    }
}

package dev.bulwark.publisher;

import dev.bulwark.model.catalog.PackageBuilder;
import dev.bulwark.model.catalog.PackageIdentity;
import dev.bulwark.model.catalog.VerificationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code publisher pack}: a folder with a HandlerManifest.json into a deterministic package ZIP. */
@Command(name = "pack",
        description = "Pack a folder holding a HandlerManifest.json into a package ZIP (sorted entries, fixed"
                + " timestamps: the same folder always gives the same bytes).")
final class PackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The extension folder.")
    Path dir;

    @Option(names = "--publisher", required = true, paramLabel = "P", description = "Publisher, e.g. Contoso.Monitoring.")
    String publisher;

    @Option(names = "--type", required = true, paramLabel = "T", description = "Extension type, e.g. ContosoAgent.")
    String type;

    @Option(names = "--version", required = true, paramLabel = "V", description = "Version, e.g. 1.2.0.")
    String version;

    @Option(names = "--out", required = true, paramLabel = "ZIP", description = "The package to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PackageIdentity identity;
        try {
            identity = PackageIdentity.of(publisher, type, version);
        } catch (VerificationException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PackageBuilder.Result result = PackageBuilder.pack(dir, identity, out);
        spec.commandLine().getOut().println("packed " + identity + " into " + result.zip() + ": " + result.entries()
                + " entries, " + result.digest().length() + " bytes, sha256 " + result.digest().sha256());
        return PublisherCli.OK;
    }
}

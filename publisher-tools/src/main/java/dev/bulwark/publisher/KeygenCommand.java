package dev.bulwark.publisher;

import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.TrustedKeys;
import dev.bulwark.model.crypto.Ed25519;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

/** {@code publisher keygen}: a new Ed25519 catalog key pair; never overwrites a key. */
@Command(name = "keygen",
        description = "Make an Ed25519 catalog signing key: the private key stays with the publisher (mode 0600),"
                + " the public key goes to every machine that should trust catalogs signed with it.")
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--private", required = true, paramLabel = "FILE", description = "Where to write the private key.")
    Path privateFile;

    @Option(names = "--public", required = true, paramLabel = "FILE", description = "Where to write the public key.")
    Path publicFile;

    @Override
    public Integer call() throws Exception {
        for (Path file : new Path[] {privateFile, publicFile}) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite an existing key file");
            }
        }
        KeyPair pair = Ed25519.generate();
        KeyFiles.writePrivate(privateFile, pair);
        KeyFiles.writePublic(publicFile, pair.getPublic());
        var out = spec.commandLine().getOut();
        out.println("key id:      " + TrustedKeys.keyId(pair.getPublic()));
        out.println("private key: " + privateFile + " (keep it offline; mode 0600)");
        out.println("public key:  " + publicFile + " (trust it on a machine: bulwark-agent package trust add --key "
                + publicFile + ")");
        return PublisherCli.OK;
    }
}

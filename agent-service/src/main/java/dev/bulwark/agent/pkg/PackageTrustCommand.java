package dev.bulwark.agent.pkg;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.KeyFiles;
import dev.bulwark.model.catalog.VerificationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bulwark-agent package trust add|list|remove}: the catalog keys this machine trusts. The only way to
 * change them besides {@code connect}; run on the machine by its administrator (see key rotation in
 * {@code docs/catalog-and-threat-model.md}).
 */
@Command(name = "trust", description = "Manage the catalog signing keys this machine trusts.",
        subcommands = {PackageTrustCommand.Add.class, PackageTrustCommand.ListKeys.class, PackageTrustCommand.Remove.class})
public final class PackageTrustCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return PackageVerifyCommand.USAGE;
    }

    @Command(name = "add", description = "Trust catalogs signed by this public key (from 'publisher keygen').")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        PackageOptions options;

        @Option(names = "--key", required = true, paramLabel = "PUBLIC_KEY_FILE", description = "The public key file.")
        Path key;

        @Override
        public Integer call() throws IOException {
            TrustStore.TrustedKey added;
            try {
                added = new TrustStore(options.home()).add(KeyFiles.readPublic(key));
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), key + " does not exist");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (options.json) {
                spec.commandLine().getOut().println(Json.MAPPER.createObjectNode().put("keyId", added.keyId())
                        .put("file", added.file().toString()));
            } else {
                spec.commandLine().getOut().println("trusted catalog key " + added.keyId() + " (" + added.file() + ")");
            }
            return PackageVerifyCommand.VERIFIED;
        }
    }

    @Command(name = "list", description = "List the trusted catalog keys.")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        PackageOptions options;

        @Override
        public Integer call() {
            List<TrustStore.TrustedKey> keys;
            try {
                keys = new TrustStore(options.home()).list();
            } catch (VerificationException e) {
                spec.commandLine().getErr().println("Error: " + e.reason() + ": " + e.getMessage());
                return PackageVerifyCommand.REFUSED;
            }
            if (options.json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                keys.forEach(k -> array.add(Json.MAPPER.createObjectNode().put("keyId", k.keyId()).put("file", k.file().toString())));
                spec.commandLine().getOut().println(array.toString());
            } else if (keys.isEmpty()) {
                spec.commandLine().getOut().println("no catalog keys are trusted: every package will be refused");
            } else {
                keys.forEach(k -> spec.commandLine().getOut().println(k.keyId() + "  " + k.file()));
            }
            return PackageVerifyCommand.VERIFIED;
        }
    }

    @Command(name = "remove", description = "Stop trusting a catalog key (give at least 8 hex digits of its id).")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        PackageOptions options;

        @Parameters(paramLabel = "KEY_ID")
        String keyId;

        @Override
        public Integer call() throws IOException {
            TrustStore.TrustedKey removed;
            try {
                removed = new TrustStore(options.home()).remove(keyId);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (VerificationException e) {
                spec.commandLine().getErr().println("Error: " + e.reason() + ": " + e.getMessage());
                return PackageVerifyCommand.REFUSED;
            }
            if (removed == null) {
                spec.commandLine().getErr().println("Error: no trusted catalog key starts with " + keyId);
                return PackageVerifyCommand.REFUSED;
            }
            if (options.json) {
                ObjectNode body = Json.MAPPER.createObjectNode().put("keyId", removed.keyId()).put("removed", true);
                spec.commandLine().getOut().println(body.toString());
            } else {
                spec.commandLine().getOut().println("no longer trusting catalog key " + removed.keyId());
            }
            return PackageVerifyCommand.VERIFIED;
        }
    }
}

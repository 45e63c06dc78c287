package dev.bulwark.publisher;

import dev.bulwark.model.catalog.VerificationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.format.DateTimeParseException;

/**
 * {@code ./bulwark publisher ...}: offline tools of an extension publisher. Exit codes: 0 done, 1 refused
 * (an unsafe or infected package, a key that would be overwritten), 2 usage or input error.
 */
@Command(name = "publisher", mixinStandardHelpOptions = true, versionProvider = PublisherCli.Version.class,
        subcommands = {KeygenCommand.class, PackCommand.class, SignCommand.class},
        description = "Offline publisher tools: make a catalog key, pack an extension folder, sign a catalog.")
public final class PublisherCli implements Runnable {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Bulwark's exit codes and messages; tests capture its out and err writers. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PublisherCli());
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> report(e, cl));
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: keygen, pack or sign");
    }

    /** The version Maven writes into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PublisherCli.class.getPackage().getImplementationVersion();
            return new String[] {"Bulwark publisher tools " + (version == null ? "(development build)" : version)};
        }
    }

    private static int report(Exception e, CommandLine cl) throws Exception {
        if (e instanceof VerificationException refused) {
            cl.getErr().println("refused: " + refused.reason() + ": " + refused.getMessage());
            return REFUSED;
        }
        if (e instanceof FileAlreadyExistsException exists) {
            cl.getErr().println("refused: " + exists.getFile() + " already exists"
                    + (exists.getReason() == null ? "" : "; " + exists.getReason()));
            return REFUSED;
        }
        if (e instanceof NoSuchFileException missing) {
            cl.getErr().println("error: " + missing.getFile() + " does not exist");
            return USAGE;
        }
        if (e instanceof AccessDeniedException denied) {
            cl.getErr().println("error: no permission to use " + denied.getFile());
            return USAGE;
        }
        if (e instanceof IllegalArgumentException || e instanceof DateTimeParseException) {
            cl.getErr().println("error: " + e.getMessage());
            return USAGE;
        }
        if (e instanceof IOException) {
            cl.getErr().println("error: " + e.getMessage());
            return REFUSED;
        }
        throw e;
    }
}

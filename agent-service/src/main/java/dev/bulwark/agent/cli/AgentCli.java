package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.AgentPlugins;
import dev.bulwark.agent.config.ConfigException;
import dev.bulwark.model.Json;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs the {@code bulwark-agent} command line in this JVM without starting Quarkus, so every verb but
 * {@code run} answers in a fraction of a second. Errors become exit codes ({@link ExitCodes}) and one
 * message that names the key or entry at fault; with {@code --json}, that message is JSON on stdout.
 */
public final class AgentCli {
    private AgentCli() {
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        CommandLine cli = new CommandLine(new AgentCommand(environment));
        addPlugins(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(AgentCli::onFailure);
        cli.setParameterExceptionHandler(AgentCli::onUsageError);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    public static int run(String... args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return run(args, out, err, System.getenv());
    }

    /** Subcommands written elsewhere ({@link AgentPlugins}): {@code bulwark-agent package ...}. */
    private static void addPlugins(CommandLine cli) {
        if (AgentPlugins.PACKAGE_SUBCOMMANDS.isEmpty()) {
            return;
        }
        CommandLine packages = new CommandLine(new PackageCommand());
        for (Class<?> subcommand : AgentPlugins.PACKAGE_SUBCOMMANDS) {
            packages.addSubcommand(subcommand);
        }
        cli.addSubcommand("package", packages);
    }

    private static int onFailure(Exception failure, CommandLine command, ParseResult parsed) {
        int exitCode;
        String code;
        String message;
        if (failure instanceof CliException e) {
            exitCode = e.exitCode();
            code = e.code();
            message = e.getMessage();
        } else if (failure instanceof ConfigException e) {
            exitCode = e.isInputError() ? ExitCodes.USAGE : ExitCodes.FAILED;
            code = e.code();
            message = e.getMessage();
        } else if (failure instanceof IOException e) {
            exitCode = ExitCodes.FAILED;
            code = "IOError";
            message = String.valueOf(e.getMessage());
        } else {
            exitCode = ExitCodes.FAILED;
            code = "InternalError";
            message = failure.toString();
        }
        report(command, parsed, code, message);
        return exitCode;
    }

    private static int onUsageError(CommandLine.ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        ParseResult parsed = command.getParseResult();
        if (wantsJson(parsed)) {
            report(command, parsed, "InvalidArgument", failure.getMessage());
        } else {
            command.getErr().println("Error: " + failure.getMessage());
            command.getErr().println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        return ExitCodes.USAGE;
    }

    private static void report(CommandLine command, ParseResult parsed, String code, String message) {
        if (wantsJson(parsed)) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.putObject("error").put("code", code).put("message", message);
            command.getOut().println(body.toString());
        } else {
            command.getErr().println("Error: " + message);
        }
    }

    private static boolean wantsJson(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf != null && leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf != null && (leaf.hasMatchedOption("--json"));
    }

    /** {@code bulwark-agent package}: a group for the subcommands listed in {@link AgentPlugins#PACKAGE_SUBCOMMANDS}. */
    @picocli.CommandLine.Command(name = "package", description = "Package tools.")
    static final class PackageCommand implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCodes.USAGE;
        }
    }
}

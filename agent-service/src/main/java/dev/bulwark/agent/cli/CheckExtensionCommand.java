package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;
import dev.bulwark.model.policy.Decision;
import dev.bulwark.model.policy.ExtensionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code config check-extension Publisher/Type [--operation OP]}: what the agent would decide now, by the
 * same function it enforces with. Exit 0 allowed, 1 blocked, 2 bad input.
 */
@Command(name = "check-extension", description = "Say whether an extension operation would be allowed here, and why.")
final class CheckExtensionCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "Publisher/Type")
    String extension;

    @Option(names = "--operation", paramLabel = "OP", defaultValue = "install",
            description = "install, update, upgrade or delete (default: install).")
    String operation;

    @Override
    public Integer call() {
        ExtensionId id;
        try {
            id = ExtensionId.parse(extension);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("InvalidExtension", e.getMessage());
        }
        OperationKind kind;
        try {
            kind = OperationKind.fromCliName(operation);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("InvalidArgument", "'" + operation + "' is not an operation: use install, update, upgrade or delete");
        }
        Decision decision = ExtensionPolicy.decide(new LocalConfigStore(common.home()).rules(), id, kind);
        if (common.json()) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("allowed", decision.allowed());
            if (decision.errorCode() == null) {
                body.putNull("errorCode");
            } else {
                body.put("errorCode", decision.errorCode().name());
            }
            body.put("rule", decision.rule());
            body.put("message", decision.message());
            common.out().println(body.toString());
        } else {
            common.out().println((decision.allowed() ? "allowed" : "blocked") + ": " + kind.cliName() + " of " + id
                    + " (rule: " + decision.rule() + (decision.allowed() ? "" : ", error: " + decision.errorCode()) + ")");
            common.out().println(decision.message());
        }
        return decision.allowed() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}

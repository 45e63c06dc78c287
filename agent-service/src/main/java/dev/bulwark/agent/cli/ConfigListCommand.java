package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.model.Json;
import dev.bulwark.model.policy.ConfigMode;
import dev.bulwark.model.policy.MonitorModeAllowlist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code config list}: every key with its value, the mode in force and, in monitor mode, the allowlist in
 * force. A broken file is shown with what is wrong and exits 1, since the agent then refuses installs.
 */
@Command(name = "list", description = "List the local configuration and what is in force.")
final class ConfigListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        LocalConfigStore store = new LocalConfigStore(common.home());
        LocalConfigStore.Snapshot snapshot = store.snapshot();
        LocalConfig config = snapshot.config();
        if (common.json()) {
            printJson(store, snapshot);
        } else {
            printText(store, config);
        }
        return config.isValid() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void printText(LocalConfigStore store, LocalConfig config) {
        PrintWriter out = common.out();
        out.println("Local Configuration Settings");
        if (!config.isValid()) {
            out.println("Problem: " + store.file() + " is invalid: " + String.join("; ", config.problems()));
            out.println("  Until it is fixed the agent refuses extension installs, updates and upgrades (deletes still work).");
            out.println("  Fix it with 'bulwark-agent config set KEY VALUE' or 'bulwark-agent config clear KEY',"
                    + " or remove the file to return to the defaults.");
        }
        for (ConfigKey key : ConfigKey.values()) {
            JsonNode invalid = config.invalidStoredValue(key);
            String shown = invalid != null ? "<invalid: " + invalid + ">" : ConfigFormat.value(config.value(key));
            out.println(ConfigFormat.line(key.key(), shown));
        }
        if (!config.isValid()) {
            return;
        }
        if (config.mode() == ConfigMode.MONITOR) {
            out.println("Mode in force: monitor. Only the built-in monitoring and security extensions are allowed"
                    + " (list version " + MonitorModeAllowlist.VERSION + "); your own lists are kept for full mode.");
            out.println(ConfigFormat.line("effective extensions.allowlist",
                    "[" + String.join(", ", MonitorModeAllowlist.EXTENSIONS.stream().map(Object::toString).toList()) + "]"));
            out.println(ConfigFormat.line("effective extensions.blocklist", ConfigFormat.value(config.value(ConfigKey.EXTENSIONS_BLOCKLIST))));
            out.println(ConfigFormat.line("effective guestconfiguration.enabled", "false"));
            out.println(ConfigFormat.line("effective incomingconnections.enabled", "false"));
            out.println("Leave monitor mode with: bulwark-agent config set config.mode full");
        } else {
            out.println("Mode in force: full.");
        }
    }

    private void printJson(LocalConfigStore store, LocalConfigStore.Snapshot snapshot) {
        LocalConfig config = snapshot.config();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("file", store.file().toString());
        body.put("valid", config.isValid());
        body.putArray("problems").addAll(config.problems().stream().map(p -> (JsonNode) Json.MAPPER.getNodeFactory().textNode(p)).toList());
        ObjectNode settings = body.putObject("settings");
        for (ConfigKey key : ConfigKey.values()) {
            JsonNode invalid = config.invalidStoredValue(key);
            settings.set(key.key(), invalid != null ? invalid : config.value(key));
        }
        body.put("mode", config.isValid() ? config.mode().spelling() : ConfigMode.FULL.spelling());
        body.put("monitorModeAllowlistVersion", MonitorModeAllowlist.VERSION);
        body.set("effective", Json.MAPPER.valueToTree(config.effective(snapshot.changedAt())));
        common.printJson(body);
    }
}

package dev.bulwark.agent.cli;

import dev.bulwark.agent.config.ConfigEdit;
import dev.bulwark.agent.config.ConfigException;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.model.Json;
import dev.bulwark.model.policy.ConfigMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code config set KEY VALUE [--add|--remove]}. The words after KEY are joined with spaces, so a list
 * pasted unquoted or between typographic quotes (which the shell does not treat as quotes) still reads
 * as one value.
 */
@Command(name = "set", description = "Set a key. Lists are comma-separated; --add/--remove change a list instead of replacing it.")
final class ConfigSetCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE")
    List<String> words;

    @Option(names = {"-a", "--add"}, description = "Add the entries to the list.")
    boolean add;

    @Option(names = {"-r", "--remove"}, description = "Remove the entries from the list.")
    boolean remove;

    @Override
    public Integer call() throws ConfigException, IOException {
        if (add && remove) {
            throw CliException.usage("InvalidArgument", "--add and --remove cannot be used together: run one, then the other.");
        }
        ConfigKey configKey = ConfigKey.require(key);
        String value = String.join(" ", words);
        ConfigEdit.ListChange change = add ? ConfigEdit.ListChange.ADD : remove ? ConfigEdit.ListChange.REMOVE
                : ConfigEdit.ListChange.REPLACE;
        LocalConfigStore store = new LocalConfigStore(common.home());
        List<String> missing = remove ? ConfigEdit.missingEntries(store.read(), configKey.key(), value) : List.of();
        LocalConfig[] before = new LocalConfig[1];
        LocalConfig after = store.update(current -> {
            before[0] = current;
            return ConfigEdit.set(current, configKey.key(), value, change);
        });
        String shown = ConfigFormat.value(after.value(configKey));
        if (common.json()) {
            common.printJson(Json.MAPPER.createObjectNode().put("key", configKey.key()).set("value", after.value(configKey)));
            return ExitCodes.OK;
        }
        PrintWriter out = common.out();
        out.println("Config property " + configKey.key() + " set to value " + shown);
        for (String entry : missing) {
            out.println("Note: " + entry + " was not in " + configKey.key() + ".");
        }
        explainModeChange(out, before[0], after, configKey);
        return ExitCodes.OK;
    }

    private static void explainModeChange(PrintWriter out, LocalConfig before, LocalConfig after, ConfigKey key) {
        if (key != ConfigKey.CONFIG_MODE || !before.isValid() || before.mode() == after.mode()) {
            return;
        }
        if (after.mode() == ConfigMode.MONITOR) {
            out.println("Monitor mode: only the built-in monitoring and security extensions are allowed; guest"
                    + " configuration and incoming connections are off. Your extensions.allowlist and"
                    + " extensions.blocklist are kept and cannot be changed in monitor mode; your blocklist still applies,"
                    + " your allowlist again in full mode.");
        } else {
            out.println("Full mode: your own lists apply again: extensions.allowlist "
                    + ConfigFormat.value(after.value(ConfigKey.EXTENSIONS_ALLOWLIST)) + ", extensions.blocklist "
                    + ConfigFormat.value(after.value(ConfigKey.EXTENSIONS_BLOCKLIST)) + ".");
        }
    }
}

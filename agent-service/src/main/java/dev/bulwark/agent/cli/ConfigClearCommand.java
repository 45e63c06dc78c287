package dev.bulwark.agent.cli;

import dev.bulwark.agent.config.ConfigEdit;
import dev.bulwark.agent.config.ConfigException;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code config clear KEY}: back to the default. Also removes an unknown key someone typed into the file. */
@Command(name = "clear", description = "Return a key to its default.")
final class ConfigClearCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() throws ConfigException, IOException {
        LocalConfig after = new LocalConfigStore(common.home()).update(current -> ConfigEdit.clear(current, key));
        ConfigKey known = ConfigKey.find(key).orElse(null);
        if (common.json()) {
            common.printJson(Json.MAPPER.createObjectNode().put("key", key.trim())
                    .set("value", known == null ? null : after.value(known)));
        } else if (known == null) {
            common.out().println("Removed unknown key " + key.trim() + " from the local configuration");
        } else {
            common.out().println("Config property " + known.key() + " cleared (default: "
                    + ConfigFormat.value(known.defaultValue()) + ")");
        }
        return ExitCodes.OK;
    }
}

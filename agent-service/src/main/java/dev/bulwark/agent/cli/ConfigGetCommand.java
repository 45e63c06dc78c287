package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.agent.config.ConfigException;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code config get KEY}: one value as set (or its default). */
@Command(name = "get", description = "Print the value of one key.")
final class ConfigGetCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() throws ConfigException {
        ConfigKey configKey = ConfigKey.require(key);
        LocalConfig config = new LocalConfigStore(common.home()).read();
        JsonNode invalid = config.invalidStoredValue(configKey);
        JsonNode value = invalid != null ? invalid : config.value(configKey);
        if (common.json()) {
            common.printJson(Json.MAPPER.createObjectNode().put("key", configKey.key()).set("value", value));
        } else {
            common.out().println(invalid != null ? "<invalid: " + invalid + ">" : ConfigFormat.value(value));
        }
        if (!config.isValid()) {
            common.err().println("Error: the local configuration is invalid (" + String.join("; ", config.problems())
                    + "); see 'bulwark-agent config list'.");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }
}

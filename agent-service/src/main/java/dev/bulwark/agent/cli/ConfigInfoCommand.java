package dev.bulwark.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.bulwark.agent.config.ConfigException;
import dev.bulwark.agent.config.ConfigKey;
import dev.bulwark.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code config info [KEY]}: what each key means, its default and the values it accepts. */
@Command(name = "info", description = "Describe the keys and the values they accept.")
final class ConfigInfoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() throws ConfigException {
        List<ConfigKey> keys = key == null ? List.of(ConfigKey.values()) : List.of(ConfigKey.require(key));
        if (common.json()) {
            ArrayNode body = Json.MAPPER.createArrayNode();
            for (ConfigKey k : keys) {
                body.addObject().put("key", k.key()).put("accepts", k.type().accepted())
                        .put("description", k.description()).set("default", k.defaultValue());
            }
            common.printJson(body);
            return ExitCodes.OK;
        }
        PrintWriter out = common.out();
        for (ConfigKey k : keys) {
            out.println(k.key());
            out.println("    " + k.description());
            out.println("    accepts: " + k.type().accepted() + "; default: " + ConfigFormat.value(k.defaultValue()));
        }
        return ExitCodes.OK;
    }
}

package dev.bulwark.cloud.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain http is off unless the development flag says otherwise, and then it is on whatever was built in. */
class HttpsOnlyConfigSourceFactoryTest {

    @Test
    void withoutTheFlagTheApiRefusesPlainHttp() {
        assertThat(insecureRequests(null)).isEqualTo("disabled");
        assertThat(insecureRequests("false")).isEqualTo("disabled");
        assertThat(insecureRequests("yes please")).isEqualTo("disabled");
    }

    @Test
    void theFlagTurnsPlainHttpOn() {
        assertThat(insecureRequests("true")).isEqualTo("enabled");
        assertThat(insecureRequests(" TRUE ")).isEqualTo("enabled");
    }

    @Test
    void anExplicitQuarkusSettingStillWins() {
        List<ConfigSource> sources = sources(null);
        assertThat(sources).singleElement().satisfies(source ->
                assertThat(source.getOrdinal()).as("below application.properties (250) and the environment").isLessThan(250));
    }

    private static String insecureRequests(String flag) {
        return sources(flag).get(0).getValue(HttpsOnlyConfigSourceFactory.INSECURE_REQUESTS);
    }

    private static List<ConfigSource> sources(String flag) {
        ConfigSourceContext context = new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                return name.equals(HttpsOnlyConfigSourceFactory.PLAIN_HTTP_FLAG) && flag != null
                        ? ConfigValue.builder().withName(name).withValue(flag).build() : null;
            }

            @Override
            public Iterator<String> iterateNames() {
                return Collections.emptyIterator();
            }
        };
        return StreamSupport.stream(new HttpsOnlyConfigSourceFactory().getConfigSources(context).spliterator(), false).toList();
    }
}

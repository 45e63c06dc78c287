package dev.bulwark.cloud.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Turns the API's plain-http listener off ({@code quarkus.http.insecure-requests=disabled}) unless the
 * development flag {@value #PLAIN_HTTP_FLAG}{@code =true} is set, which turns it back on. A factory rather
 * than a line in application.properties, so that one flag decides both: Quarkus refuses {@code disabled}
 * when no certificate is configured. A low ordinal: an explicit {@code quarkus.http.insecure-requests} (for
 * example {@code redirect}) still wins. {@link ServerTls} refuses to start without a certificate or the flag.
 */
public class HttpsOnlyConfigSourceFactory implements ConfigSourceFactory {
    /** The one switch for plain http, for development only; spelled here and nowhere else in code. */
    public static final String PLAIN_HTTP_FLAG = "bulwark.dev.plain-http";
    static final String INSECURE_REQUESTS = "quarkus.http.insecure-requests";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // Always a value, never nothing: a value Quarkus recorded at build time must not decide at run time.
        String insecureRequests = plainHttp(context.getValue(PLAIN_HTTP_FLAG)) ? "enabled" : "disabled";
        return List.of(new PropertiesConfigSource(Map.of(INSECURE_REQUESTS, insecureRequests), "bulwark-https-only", 50));
    }

    private static boolean plainHttp(ConfigValue flag) {
        return flag != null && flag.getValue() != null && Boolean.parseBoolean(flag.getValue().trim());
    }
}

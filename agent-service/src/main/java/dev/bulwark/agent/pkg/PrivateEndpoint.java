package dev.bulwark.agent.pkg;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Private-endpoint mode, a per-agent setting ({@code bulwark-agent run --private-endpoint[=URL]}, or
 * {@code bulwark.agent.private-endpoint}): where catalogs and packages are downloaded from.
 * <ul>
 *   <li>{@code off} (the default): straight from the storage URL the operation names, as Arc downloads
 *       from its storage accounts;</li>
 *   <li>{@code on}: through each machine's cloud URL (the one it connected to), at
 *       {@code <cloud URL>/private-endpoint/<storage host>/<path>?<query>}, for machines that may reach only
 *       the cloud (Arc: "extensions are proxied via the regional URL for the Azure Arc service");</li>
 *   <li>an {@code http(s)://} URL: through that base instead (a proxy or gateway of the site's own).</li>
 * </ul>
 * Only the route changes: the catalog signature and every package check stay the same, so a proxy can no
 * more change a package than storage can.
 */
public final class PrivateEndpoint {
    /** The cloud service's route for private-endpoint downloads. */
    public static final String CLOUD_ROUTE = "private-endpoint";

    public static final PrivateEndpoint OFF = new PrivateEndpoint(false, null);
    public static final PrivateEndpoint VIA_CLOUD = new PrivateEndpoint(true, null);

    private final boolean enabled;
    private final URI base;

    private PrivateEndpoint(boolean enabled, URI base) {
        this.enabled = enabled;
        this.base = base;
    }

    /** {@code off}/{@code false}/empty, {@code on}/{@code true}, or a base URL. */
    public static PrivateEndpoint parse(String value) {
        String text = value == null ? "" : value.trim();
        switch (text.toLowerCase(Locale.ROOT)) {
            case "", "off", "false", "no" -> {
                return OFF;
            }
            case "on", "true", "yes", "cloud" -> {
                return VIA_CLOUD;
            }
            default -> {
                return new PrivateEndpoint(true, httpUrl(text));
            }
        }
    }

    public static PrivateEndpoint through(URI base) {
        return new PrivateEndpoint(true, httpUrl(base.toString()));
    }

    public boolean enabled() {
        return enabled;
    }

    /** The base every download of a machine connected to {@code cloudUrl} goes through, or null for direct. */
    public URI baseFor(String cloudUrl) {
        if (!enabled) {
            return null;
        }
        if (base != null) {
            return base;
        }
        if (cloudUrl == null || cloudUrl.isBlank()) {
            throw new IllegalStateException("private-endpoint mode needs the machine's cloud URL; run 'bulwark-agent connect'");
        }
        String cloud = cloudUrl.endsWith("/") ? cloudUrl : cloudUrl + "/";
        return URI.create(cloud + CLOUD_ROUTE);
    }

    @Override
    public String toString() {
        return !enabled ? "off" : base == null ? "on (through each machine's cloud URL, /" + CLOUD_ROUTE + ")" : base.toString();
    }

    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is neither on, off nor an http(s):// URL without a query");
    }
}

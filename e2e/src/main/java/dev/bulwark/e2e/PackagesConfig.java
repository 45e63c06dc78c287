package dev.bulwark.e2e;

import java.nio.file.Path;
import java.util.Map;

/** The cloud's package storage when run locally: files under the work dir, served on a free loopback port. */
final class PackagesConfig {
    private PackagesConfig() {
    }

    static Map<String, String> forCloud(Path work) {
        return Map.of("bulwark.storage.dir", work.resolve("storage").toString(),
                "bulwark.storage.host", "127.0.0.1",
                "bulwark.storage.port", "0");
    }
}

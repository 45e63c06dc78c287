package dev.bulwark.e2e;

import java.nio.file.Path;
import java.util.Map;

/** Where the cloud keeps package storage when run locally. */
final class PackagesConfig {
    private PackagesConfig() {
    }

    static Map<String, String> forCloud(Path work) {
        return Map.of("bulwark.storage.dir", work.resolve("storage").toString());
    }
}

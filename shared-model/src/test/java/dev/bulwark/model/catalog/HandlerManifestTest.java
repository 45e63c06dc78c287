package dev.bulwark.model.catalog;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandlerManifestTest {
    private static final Set<String> FILES = Set.of("HandlerManifest.json", "scripts/install.sh", "scripts/uninstall.sh",
            "scripts/enable.sh", "scripts/disable.sh", "bin/handler");

    @Test
    void readsTheAzureFormat() throws Exception {
        HandlerManifest manifest = HandlerManifest.parse(TestKit.MANIFEST.getBytes(StandardCharsets.UTF_8));
        manifest.validate(FILES);

        assertThat(manifest.installCommand()).isEqualTo("scripts/install.sh");
        assertThat(manifest.updateMode()).isEqualTo("UpdateWithInstall");
        assertThat(manifest.ownService()).isFalse();
        assertThat(manifest.commands()).containsKeys("installCommand", "enableCommand", "updateCommand",
                "disableCommand", "uninstallCommand");
    }

    @Test
    void readsASingleObjectWithOwnServiceAndBackslashPaths() throws Exception {
        HandlerManifest manifest = HandlerManifest.parse(json("""
                {"handlerManifest": {"installCommand": "scripts\\\\install.sh", "uninstallCommand": "./bin/handler uninstall",
                 "updateCommand": "bin/handler update", "enableCommand": "python3 -m agent", "disableCommand": "bin/handler disable",
                 "ownService": true}}"""));
        manifest.validate(FILES);

        assertThat(manifest.ownService()).isTrue();
    }

    @Test
    void aMissingCommandIsRefused() {
        assertInvalid(() -> HandlerManifest.parse(json("""
                [{"handlerManifest": {"installCommand": "bin/handler install"}}]""")).validate(FILES), "has no");
    }

    @Test
    void aCommandOutsideThePackageIsRefused() {
        assertInvalid(() -> manifestWithInstall("../../usr/bin/evil").validate(FILES), "not a plain relative path");
        assertInvalid(() -> manifestWithInstall("/bin/sh -c evil").validate(FILES), "not a plain relative path");
    }

    @Test
    void aCommandNamingAMissingFileIsRefused() {
        assertInvalid(() -> manifestWithInstall("scripts/missing.sh").validate(FILES), "not in the package");
    }

    @Test
    void aMultiLineCommandIsRefused() {
        assertInvalid(() -> manifestWithInstall("bin/handler install\\nrm -rf /").validate(FILES), "one line");
    }

    @Test
    void malformedManifestsAreRefused() {
        assertInvalid(() -> HandlerManifest.parse(json("not json")), "not valid JSON");
        assertInvalid(() -> HandlerManifest.parse(json("[]")), "exactly one handler");
        assertInvalid(() -> HandlerManifest.parse(json("{\"version\": 1}")), "no handlerManifest");
        assertInvalid(() -> HandlerManifest.parse(json("{\"handlerManifest\": {\"installCommand\": \"a\", \"installCommand\": \"b\"}}")),
                "not valid JSON");
    }

    private static HandlerManifest manifestWithInstall(String install) throws VerificationException {
        return HandlerManifest.parse(json("""
                {"handlerManifest": {"installCommand": "%s", "uninstallCommand": "bin/handler uninstall",
                 "updateCommand": "bin/handler update", "enableCommand": "bin/handler enable", "disableCommand": "bin/handler disable"}}"""
                .formatted(install)));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertInvalid(CatalogVerifierTest.ThrowingCall call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(VerificationException.class, e -> {
            assertThat(e.reason()).isEqualTo(VerificationFailure.HandlerManifestInvalid);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}

package dev.bulwark.model.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.model.Json;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Catalog key files. A public key file is one line of base64 X.509 (a PEM {@code PUBLIC KEY} block is read
 * too, so keys made with {@code openssl genpkey -algorithm ed25519} work). A private key file is JSON with
 * the PKCS#8 private key and its public key, written with mode 0600 and never over an existing file
 * ({@link PrivateFiles#writeNew}: a key once written is never replaced).
 */
public final class KeyFiles {
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";

    private KeyFiles() {
    }

    public static void writePrivate(Path file, KeyPair pair) throws IOException {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("alg", Ed25519.ALGORITHM);
        json.put("keyId", TrustedKeys.keyId(pair.getPublic()));
        json.put("publicKey", Ed25519.encodePublic(pair.getPublic()));
        json.put("privateKey", Ed25519.encodePrivate(pair.getPrivate()));
        writeNew(file, Json.encode(json), true);
    }

    public static void writePublic(Path file, PublicKey key) throws IOException {
        writeNew(file, (Ed25519.encodePublic(key) + "\n").getBytes(StandardCharsets.UTF_8), false);
    }

    /** @throws IllegalArgumentException naming the file if it is not a Bulwark private key file */
    public static KeyPair readPrivate(Path file) throws IOException {
        JsonNode json;
        try {
            json = Json.tree(Files.readAllBytes(file));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a Bulwark private key file (JSON from 'publisher keygen')");
        }
        if (!Ed25519.ALGORITHM.equals(json.path("alg").asText())) {
            throw new IllegalArgumentException(file + ": only Ed25519 keys are supported");
        }
        try {
            KeyPair pair = new KeyPair(Ed25519.decodePublic(json.path("publicKey").asText()),
                    Ed25519.decodePrivate(json.path("privateKey").asText()));
            new CatalogSigner(pair);
            return pair;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the file if it holds no Ed25519 public key */
    public static PublicKey readPublic(Path file) throws IOException {
        return parsePublic(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static PublicKey parsePublic(String text, String source) {
        String body = text.strip();
        if (body.startsWith(PEM_BEGIN)) {
            int end = body.indexOf(PEM_END);
            if (end < 0) {
                throw new IllegalArgumentException(source + ": PEM block has no end line");
            }
            body = body.substring(PEM_BEGIN.length(), end);
        }
        body = body.replaceAll("\\s", "");
        try {
            return Ed25519.decodePublic(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not an Ed25519 public key (base64 X.509 or PEM)", e);
        }
    }

    private static void writeNew(Path file, byte[] content, boolean secret) throws IOException {
        // Parent folders as a publisher asked for them (not 0700: a public key is meant to be handed out).
        Files.createDirectories(file.toAbsolutePath().getParent());
        PrivateFiles.writeNew(file, content, secret ? PrivateFiles.OWNER_READ_WRITE : PrivateFiles.WORLD_READABLE, true);
    }
}

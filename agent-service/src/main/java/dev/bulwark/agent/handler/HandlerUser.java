package dev.bulwark.agent.handler;

import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.catalog.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The user a handler runs as. An agent running as root drops every extension to a system user of its own
 * ({@code bwx-} and 12 hex digits of the SHA-256 of its lower-case {@code publisher/type}: stable, at most
 * 16 characters, one user per extension so that one extension cannot touch another's files), unless the
 * administrator listed it under {@code extensions.runasroot}. An agent that is not root has nothing to drop
 * to: handlers run as its own user.
 *
 * <p>The switch is {@code setpriv} (util-linux) with {@code --no-new-privs}, so a handler cannot regain root
 * through a setuid program either. Users are created with {@code useradd --system} the first time an
 * extension needs one.
 */
public record HandlerUser(String name, int uid, int gid, boolean dropsPrivileges) {
    static final String PREFIX = "bwx-";

    /** Prepended to a command: switch user, clear supplementary groups, forbid privilege gains. */
    List<String> launchPrefix() {
        if (!dropsPrivileges) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--no-new-privs", "--");
    }

    /** Gives {@code path} (never through a link) to this user, and this user's group. */
    void own(Path path) throws IOException {
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    /** Gives {@code path} to this user's group, keeping its owner (the agent). */
    void shareWithGroup(Path path) throws IOException {
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** Resolves and creates users; one per agent process. */
    public static final class Directory {
        private final int agentUid;
        private final int agentGid;
        private final Map<String, HandlerUser> known = new ConcurrentHashMap<>();

        public Directory() {
            try {
                Path self = Path.of("/proc/self");
                this.agentUid = (Integer) Files.getAttribute(self, "unix:uid");
                this.agentGid = (Integer) Files.getAttribute(self, "unix:gid");
            } catch (IOException | UnsupportedOperationException e) {
                throw new IllegalStateException("cannot tell which user the agent runs as: " + e.getMessage(), e);
            }
        }

        public boolean agentIsRoot() {
            return agentUid == 0;
        }

        /** Who runs {@code extension}'s handler: root when allowed, else its own user (created if missing). */
        public HandlerUser forExtension(ExtensionId extension, boolean runAsRoot) throws IOException {
            if (!agentIsRoot()) {
                return new HandlerUser(System.getProperty("user.name"), agentUid, agentGid, false);
            }
            if (runAsRoot) {
                return new HandlerUser("root", 0, 0, false);
            }
            String name = userName(extension);
            HandlerUser user = known.get(name);
            if (user == null) {
                user = lookUpOrCreate(name, extension);
                known.put(name, user);
            }
            return user;
        }

        public static String userName(ExtensionId extension) {
            byte[] id = (extension.publisher() + "/" + extension.type()).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            return PREFIX + Sha256.hex(Sha256.newDigest().digest(id)).substring(0, 12);
        }

        private static synchronized HandlerUser lookUpOrCreate(String name, ExtensionId extension) throws IOException {
            if (run("id", "-u", name).exitCode != 0) {
                Result created = run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "--comment", "Bulwark extension " + extension, name);
                if (created.exitCode != 0 && run("id", "-u", name).exitCode != 0) {
                    throw new IOException("cannot create the user " + name + " for extension " + extension + " (useradd: "
                            + created.output.strip() + "); a local administrator can create it, or allow the extension to"
                            + " run as root with: bulwark-agent config set extensions.runasroot --add " + extension);
                }
            }
            return new HandlerUser(name, Integer.parseInt(run("id", "-u", name).output.strip()),
                    Integer.parseInt(run("id", "-g", name).output.strip()), true);
        }

        private record Result(int exitCode, String output) {
        }

        private static Result run(String... command) throws IOException {
            List<String> argv = new ArrayList<>(List.of(command));
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, command[0] + " did not finish");
                }
                return new Result(process.exitValue(), output);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command[0], e);
            }
        }
    }
}

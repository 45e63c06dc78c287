package dev.bulwark.agent.handler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * An unprivileged handler must reach its own folders under the machine's home, which the agent creates
 * 0700. Each folder on the way gets the search bit for others (0711: pass through, not list): the agent's
 * own files stay 0600 and unreadable. Folders above the home are the administrator's: when one of them
 * stops other users, the operation fails naming it rather than the agent changing it.
 */
final class Traversal {
    private Traversal() {
    }

    static void letOthersThrough(Path home, Path... folders) throws IOException {
        for (Path ancestor = home.toAbsolutePath().getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(ancestor);
            if (!mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException(ancestor + " does not let other users through (mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "), so no extension user can reach"
                        + " its folders under " + home + "; give it o+x, or move the agent's home");
            }
        }
        searchable(home);
        for (Path folder : folders) {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, PASS_THROUGH); // the agent's own folders: pass, never list
        }
    }

    private static final Set<PosixFilePermission> PASS_THROUGH = java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x");

    private static void searchable(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (mode.add(PosixFilePermission.OTHERS_EXECUTE) | mode.add(PosixFilePermission.GROUP_EXECUTE)) {
            Files.setPosixFilePermissions(dir, mode);
        }
    }
}

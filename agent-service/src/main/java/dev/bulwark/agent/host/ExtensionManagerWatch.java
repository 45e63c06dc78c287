package dev.bulwark.agent.host;

import dev.bulwark.agent.extension.ExtensionHandler;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices when a machine's administrator turns the extension manager off or on ({@code extensions.enabled})
 * and tells the handler, which stops or restarts what the manager hosts. A machine found off when the
 * agent starts is treated as just switched off, so nothing hosted runs after a restart either.
 */
final class ExtensionManagerWatch {
    private static final System.Logger LOG = System.getLogger(ExtensionManagerWatch.class.getName());

    private final ExtensionHandler handler;
    private final Map<String, Boolean> lastSeen = new ConcurrentHashMap<>();

    ExtensionManagerWatch(ExtensionHandler handler) {
        this.handler = handler;
    }

    void check(Collection<Machine> machines) {
        for (Machine machine : machines) {
            boolean enabled = machine.config().inForce().rules().extensionsEnabled();
            Boolean before = lastSeen.put(machine.machineId(), enabled);
            if (before == null ? !enabled : before != enabled) {
                try {
                    handler.extensionManagerChanged(machine.home(), machine.machineId(), enabled,
                            machine.state().snapshot().state().extensions().values());
                } catch (IOException | RuntimeException e) {
                    lastSeen.remove(machine.machineId()); // try again at the next check
                    LOG.log(System.Logger.Level.WARNING, "cannot read the extensions of " + machine.machineId() + ": " + e);
                }
            }
        }
    }
}

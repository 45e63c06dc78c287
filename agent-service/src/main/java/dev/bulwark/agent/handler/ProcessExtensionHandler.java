package dev.bulwark.agent.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.agent.config.LocalConfig;
import dev.bulwark.agent.config.LocalConfigStore;
import dev.bulwark.agent.extension.ExtensionHandler;
import dev.bulwark.agent.extension.ExtensionHosting;
import dev.bulwark.agent.extension.HandlerInvocation;
import dev.bulwark.agent.extension.HandlerOutcome;
import dev.bulwark.agent.extension.InstalledRecord;
import dev.bulwark.agent.pkg.SafeExtractor;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.InstanceView;
import dev.bulwark.model.Json;
import dev.bulwark.model.catalog.Catalog;
import dev.bulwark.model.catalog.HandlerManifest;
import dev.bulwark.model.catalog.VerificationException;
import dev.bulwark.model.catalog.VerificationFailure;
import dev.bulwark.model.files.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real handler: runs an extension's handler commands as processes, following the Azure extension handler
 * protocol (docs/extension-handlers.md). Install = install, enable; update = new {@code N.settings}, enable;
 * upgrade = disable old, update new, uninstall old, enable new; delete = disable, uninstall, then the files go.
 *
 * <p>Each command runs as the extension's own unprivileged user (or root when the administrator allows it),
 * in the machine's CPU-capped cgroup, after the package files were hashed again against the catalog, with a
 * deadline past which its whole process tree is killed. One machine runs one operation at a time; different
 * machines run in parallel, on threads of this handler's own, so a slow handler never holds the host's.
 */
public final class ProcessExtensionHandler implements ExtensionHandler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProcessExtensionHandler.class.getName());
    private static final Duration STATUS_POLL = Duration.ofMillis(200);
    private static final String PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
    private static final String NOT_RUN = "NOT_RUN";
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");
    private static final Set<PosixFilePermission> READ_EXECUTE = PosixFilePermissions.fromString("r-xr-xr-x");

    private final Duration commandTimeout;
    private final ExecutorService threads = Executors.newCachedThreadPool(daemonThreads());
    private final HandlerUser.Directory users = new HandlerUser.Directory();
    private final Map<Path, Object> machineLocks = new ConcurrentHashMap<>();
    private final Map<Path, ExtensionCgroups> cgroups = new ConcurrentHashMap<>();

    /** @param commandTimeout how long one command may run before it is killed with its process tree */
    public ProcessExtensionHandler(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /** Real handlers write config, status and logs beside the package: each machine gets its own copy. */
    @Override
    public boolean needsOwnPackageCopy() {
        return true;
    }

    @Override
    public CompletableFuture<HandlerOutcome> run(HandlerInvocation invocation) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (lockOf(invocation.machineHome())) {
                return runNow(invocation);
            }
        }, threads);
    }

    /**
     * Stops (on false) or starts again (on true) the extensions the manager hosts: their disable command and
     * then every process left in their group, or their enable command. Own-service extensions are not touched.
     */
    @Override
    public void extensionManagerChanged(Path machineHome, String machineId, boolean enabled,
                                        Collection<InstalledRecord> installed) {
        threads.execute(() -> switchHosted(machineHome, enabled, List.copyOf(installed)));
    }

    private void switchHosted(Path machineHome, boolean enabled, List<InstalledRecord> installed) {
        synchronized (lockOf(machineHome)) {
            for (InstalledRecord record : installed) {
                if (ExtensionHosting.ownService(record) || record.packageDir() == null) {
                    continue;
                }
                try {
                    Installation extension = existing(machineHome, record);
                    Instant deadline = Instant.now().plus(commandTimeout);
                    if (enabled) {
                        extension.run("enable", record.settingsSequence(), Map.of(), deadline);
                    } else {
                        try {
                            extension.run("disable", record.settingsSequence(), Map.of(), deadline);
                        } finally {
                            extension.group.killAll(Duration.ofSeconds(5));
                        }
                    }
                    LOG.log(System.Logger.Level.INFO, (enabled ? "started " : "stopped ") + record.name()
                            + " (the extension manager was turned " + (enabled ? "on)" : "off)"));
                } catch (CommandFailed | IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not " + (enabled ? "start " : "stop ") + record.name()
                            + ": " + e.getMessage());
                }
            }
        }
    }

    private HandlerOutcome runNow(HandlerInvocation invocation) {
        try {
            return switch (invocation.kind()) {
                case INSTALL -> install(invocation);
                case UPDATE -> update(invocation);
                case UPGRADE -> upgrade(invocation);
                case DELETE -> delete(invocation);
            };
        } catch (CommandFailed failed) {
            return failed.outcome;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "handler of " + invocation.extension().id() + " could not run: " + e, e);
            return HandlerOutcome.failed("the agent could not prepare or run the handler: " + e.getMessage());
        }
    }

    private HandlerOutcome install(HandlerInvocation invocation) throws IOException, CommandFailed {
        Installation extension = prepare(invocation);
        int n = invocation.settingsSequence();
        extension.writeSettings(n, invocation);
        Instant deadline = Instant.now().plus(commandTimeout);
        extension.run("install", n, Map.of(), deadline);
        return extension.enable(n, Map.of(), deadline);
    }

    private HandlerOutcome update(HandlerInvocation invocation) throws IOException, CommandFailed {
        Installation extension = existing(invocation.machineHome(), invocation.installed());
        int n = invocation.settingsSequence();
        extension.writeSettings(n, invocation);
        return extension.enable(n, Map.of(), Instant.now().plus(commandTimeout));
    }

    private HandlerOutcome upgrade(HandlerInvocation invocation) throws IOException, CommandFailed {
        Installation old = existing(invocation.machineHome(), invocation.installed());
        Installation next = prepare(invocation);
        int n = invocation.settingsSequence();
        next.writeSettings(n, invocation);
        Instant deadline = Instant.now().plus(commandTimeout);
        Map<String, String> fromOld = new LinkedHashMap<>();
        fromOld.put("AZURE_GUEST_AGENT_UPDATING_FROM_VERSION", old.folders.version());
        fromOld.put("AZURE_GUEST_AGENT_DISABLE_CMD_EXIT_CODE", old.exitCodeOf("disable", invocation.installed().settingsSequence(), deadline));
        fromOld.put("AZURE_GUEST_AGENT_UNINSTALL_CMD_EXIT_CODE", NOT_RUN);
        next.run("update", n, fromOld, deadline);
        fromOld.put("AZURE_GUEST_AGENT_UNINSTALL_CMD_EXIT_CODE", old.exitCodeOf("uninstall", invocation.installed().settingsSequence(), deadline));
        if (!old.folders.packageDir().equals(next.folders.packageDir())) {
            old.deletePackage();
        }
        return next.enable(n, fromOld, deadline);
    }

    private HandlerOutcome delete(HandlerInvocation invocation) throws IOException, CommandFailed {
        Installation extension = existing(invocation.machineHome(), invocation.installed());
        int n = invocation.installed().settingsSequence();
        Instant deadline = Instant.now().plus(commandTimeout);
        extension.run("disable", n, Map.of(), deadline);
        extension.run("uninstall", n, Map.of(), deadline);
        extension.group.killAll(Duration.ofSeconds(5));
        extension.deletePackage();
        SafeExtractor.deleteTree(extension.folders.dataDir());
        SafeExtractor.deleteTree(extension.folders.keyDir());
        extension.group.delete();
        return HandlerOutcome.succeeded("Disable and uninstall succeeded; the extension's files were removed (its logs"
                + " are kept in " + extension.folders.commandLogDir() + ")");
    }

    /** Lays out a freshly verified package: read-only files, the handler's folders, its user and its group. */
    private Installation prepare(HandlerInvocation invocation) throws IOException {
        ExtensionId id = invocation.extension().id();
        HandlerFolders folders = new HandlerFolders(invocation.machineHome(), id, invocation.extension().version().trim());
        Path packageDir = invocation.gate().packageDir();
        if (!packageDir.equals(folders.packageDir())) {
            throw new IOException("the verified package is in " + packageDir + ", not in the machine's own " + folders.packageDir());
        }
        Catalog.PackageEntry entry = invocation.gate().entry();
        LocalConfig config = new LocalConfigStore(invocation.machineHome()).read();
        HandlerUser user = users.forExtension(id, config.runsAsRoot(id));
        if (user.dropsPrivileges()) {
            Traversal.letOthersThrough(invocation.machineHome(), folders.extensionsRoot(), folders.dataDir().getParent(),
                    folders.keyDir().getParent(), folders.commandLogDir().getParent());
        }
        makeReadOnly(packageDir);
        VerifiedFiles.record(folders.verifiedFiles(), entry.files());
        directory(folders.configDir(), "rwxr-x---");
        user.shareWithGroup(folders.configDir());
        handlerOwned(folders.statusDir(), "rwxr-x---", user);
        handlerOwned(folders.dataDir(), "rwx------", user);
        handlerOwned(folders.commandLogDir(), "rwxr-xr-x", null);
        handlerOwned(folders.handlerLogDir(), "rwxr-x---", user);
        if (!Files.isDirectory(folders.keyDir())) {
            directory(folders.keyDir(), "rwx------");
            SettingsCertificate.inFolder(folders.keyDir(), user, id.toString());
            Files.setPosixFilePermissions(folders.keyDir(), PosixFilePermissions.fromString("r-x------"));
            user.own(folders.keyDir());
        }
        writeReadOnly(folders.environmentFile(), folders.environmentJson());
        return new Installation(folders, invocation.gate().manifest(), entry.files(), user, groupOf(invocation.machineHome(), config, id));
    }

    /** An installed version, as prepared at its install: its manifest is read again once its files check out. */
    private Installation existing(Path machineHome, InstalledRecord record) throws IOException, CommandFailed {
        ExtensionId id = new ExtensionId(record.publisher(), record.type());
        HandlerFolders folders = new HandlerFolders(machineHome, id, record.version());
        if (record.packageDir() == null || !Path.of(record.packageDir()).equals(folders.packageDir())
                || !Files.isRegularFile(folders.verifiedFiles())) {
            throw new CommandFailed(HandlerOutcome.failed("extension " + record.name() + " was not installed by this"
                    + " handler (no verified package in " + folders.packageDir() + "), so none of its commands can run;"
                    + " a local administrator can remove it with: bulwark-agent extension remove --name " + record.name()));
        }
        List<Catalog.FileEntry> files = VerifiedFiles.read(folders.verifiedFiles());
        checkFiles(folders, files);
        HandlerManifest manifest;
        try {
            manifest = HandlerManifest.parse(Files.readAllBytes(folders.packageDir().resolve(HandlerManifest.FILE_NAME)));
        } catch (VerificationException e) {
            throw new CommandFailed(HandlerOutcome.failed(ErrorCode.PackageVerificationFailed, e.getMessage()));
        }
        LocalConfig config = new LocalConfigStore(machineHome).read();
        HandlerUser user = users.forExtension(id, config.runsAsRoot(id));
        return new Installation(folders, manifest, files, user, groupOf(machineHome, config, id));
    }

    /** The extension's group in the machine's CPU-capped cgroup; the cap follows the local config at every use. */
    private ExtensionCgroups.Group groupOf(Path machineHome, LocalConfig config, ExtensionId id) throws IOException {
        ExtensionCgroups machine = cgroups.computeIfAbsent(machineHome, home -> ExtensionCgroups.detect(ExtensionCgroups.machineKey(home)));
        machine.applyCpuLimit(config.extensionCpuLimit());
        return machine.group(id.dotted());
    }

    /** One version of one extension on one machine, ready to run its commands. */
    private final class Installation {
        final HandlerFolders folders;
        final HandlerManifest manifest;
        final List<Catalog.FileEntry> files;
        final HandlerUser user;
        final ExtensionCgroups.Group group;

        Installation(HandlerFolders folders, HandlerManifest manifest, List<Catalog.FileEntry> files, HandlerUser user,
                     ExtensionCgroups.Group group) {
            this.folders = folders;
            this.manifest = manifest;
            this.files = files;
            this.user = user;
            this.group = group;
        }

        /** {@code N.settings}: public settings as they are, protected ones encrypted to the extension's certificate. */
        void writeSettings(int n, HandlerInvocation invocation) throws IOException {
            ObjectNode handlerSettings = Json.MAPPER.createObjectNode();
            JsonNode settings = invocation.extension().settings();
            handlerSettings.set("publicSettings", settings == null || settings.isNull() ? Json.MAPPER.createObjectNode() : settings);
            if (invocation.protectedSettings() != null) {
                SettingsCertificate certificate = SettingsCertificate.inFolder(folders.keyDir(), user, folders.extension().toString());
                handlerSettings.put("protectedSettings", certificate.encrypt(invocation.protectedSettings()));
                handlerSettings.put("protectedSettingsCertThumbprint", certificate.thumbprint());
            }
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.putArray("runtimeSettings").addObject().set("handlerSettings", handlerSettings);
            Path file = folders.settingsFile(n);
            PrivateFiles.write(file, Json.encode(root), true);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
            user.shareWithGroup(file);
        }

        /** Runs enable, then waits for a final status (within the deadline) and turns it into the outcome. */
        HandlerOutcome enable(int n, Map<String, String> environment, Instant deadline) throws IOException, CommandFailed {
            HandlerProcess.Result result = run("enable", n, environment, deadline);
            HandlerStatus status = HandlerStatus.read(folders.statusFile(n), folders.heartbeatFile());
            while (status != null && status.transitioning() && Instant.now().isBefore(deadline)) {
                sleep(STATUS_POLL);
                status = HandlerStatus.read(folders.statusFile(n), folders.heartbeatFile());
            }
            if (status == null) {
                return HandlerOutcome.succeeded("Enable succeeded" + (result.stdoutTail().isEmpty() ? "" : ": " + result.stdoutTail()))
                        .withSubstatuses(outputSubstatuses(result));
            }
            if (status.transitioning()) {
                group.killAll(Duration.ofSeconds(5));
                return HandlerOutcome.failed(ErrorCode.ExtensionHandlerTimedOut, "the handler still reported transitioning"
                        + " after " + commandTimeout + "; its processes were killed").withSubstatuses(status.substatuses());
            }
            String message = status.message() != null ? status.message() : "Enable " + status.status();
            HandlerOutcome outcome = status.succeeded() ? HandlerOutcome.succeeded(message)
                    : HandlerOutcome.failed("its status is " + status.status() + (status.code() == null ? "" : " (code "
                    + status.code() + ")") + ": " + message);
            return outcome.withSubstatuses(status.substatuses().isEmpty() ? outputSubstatuses(result) : status.substatuses());
        }

        /** Runs a command whose failure the protocol tolerates (disable and uninstall of an old version). */
        String exitCodeOf(String verb, int n, Instant deadline) throws IOException {
            try {
                return String.valueOf(run(verb, n, Map.of(), deadline).exitCode());
            } catch (CommandFailed failed) {
                LOG.log(System.Logger.Level.WARNING, failed.outcome.message());
                return failed.exitCode;
            }
        }

        /** One command: files checked again, then the process; a non-zero exit or the deadline fails it. */
        HandlerProcess.Result run(String verb, int n, Map<String, String> extraEnvironment, Instant deadline)
                throws IOException, CommandFailed {
            checkFiles(folders, files);
            String text = manifest.commands().get(verb + "Command");
            List<String> command = command(text);
            List<String> prefix = new ArrayList<>(group.launchPrefix());
            prefix.add("setsid");
            prefix.addAll(user.launchPrefix());
            Path stdout = folders.commandLogDir().resolve(verb + ".stdout");
            Path stderr = folders.commandLogDir().resolve(verb + ".stderr");
            Duration left = Duration.between(Instant.now(), deadline);
            HandlerProcess.Result result = HandlerProcess.run(prefix, command, folders.packageDir(),
                    environment(n, extraEnvironment), stdout, stderr, left.isNegative() ? Duration.ZERO : left, group);
            logCommand(verb, text, result);
            String label = "the " + verb + " command (" + text + ")";
            if (result.timedOut()) {
                throw new CommandFailed(HandlerOutcome.failed(ErrorCode.ExtensionHandlerTimedOut, label + " ran longer than "
                        + commandTimeout + " and was killed with its processes" + tails(result))
                        .withSubstatuses(outputSubstatuses(result)), "timeout");
            }
            if (result.exitCode() != 0) {
                throw new CommandFailed(HandlerOutcome.failed(label + " exited with code " + result.exitCode() + tails(result))
                        .withSubstatuses(outputSubstatuses(result)), String.valueOf(result.exitCode()));
            }
            return result;
        }

        /** The program, checked again on the agent: a file of the verified package, run without a shell. */
        private List<String> command(String text) throws CommandFailed {
            List<String> argv;
            try {
                argv = HandlerManifest.split(text);
            } catch (VerificationException e) {
                throw new CommandFailed(HandlerOutcome.failed(ErrorCode.PackageVerificationFailed, e.getMessage() + "; nothing ran"));
            }
            String program = argv.get(0);
            if (files.stream().noneMatch(f -> f.path().equals(program))) {
                throw new CommandFailed(HandlerOutcome.failed(ErrorCode.PackageVerificationFailed, "the manifest command '"
                        + text + "' does not run a file of the verified package; nothing ran"));
            }
            List<String> resolved = new ArrayList<>(argv);
            resolved.set(0, folders.packageDir().resolve(program).toString());
            return resolved;
        }

        private Map<String, String> environment(int n, Map<String, String> extra) {
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("PATH", PATH);
            environment.put("LANG", "C.UTF-8");
            environment.put("HOME", folders.dataDir().toString());
            environment.put("ConfigSequenceNumber", String.valueOf(n));
            environment.put("ConfigExtensionName", folders.extension().dotted());
            environment.put("AZURE_GUEST_AGENT_EXTENSION_NAME", folders.extension().dotted());
            environment.put("AZURE_GUEST_AGENT_EXTENSION_PATH", folders.packageDir().toString());
            environment.put("AZURE_GUEST_AGENT_EXTENSION_VERSION", folders.version());
            environment.putAll(extra);
            return environment;
        }

        private void logCommand(String verb, String text, HandlerProcess.Result result) throws IOException {
            String line = Instant.now() + " " + verb + " (" + text + ") as " + user.name() + ": "
                    + (result.timedOut() ? "killed at the timeout" : "exit code " + result.exitCode()) + " after "
                    + result.took().toMillis() + " ms\n";
            Files.writeString(folders.commandLogDir().resolve("CommandExecution.log"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        void deletePackage() throws IOException {
            SafeExtractor.deleteTree(folders.packageDir());
            Files.deleteIfExists(folders.verifiedFiles());
        }
    }

    private static void checkFiles(HandlerFolders folders, List<Catalog.FileEntry> files) throws IOException, CommandFailed {
        String difference = VerifiedFiles.firstDifference(folders.packageDir(), files);
        if (difference != null) {
            throw new CommandFailed(HandlerOutcome.failed(ErrorCode.PackageVerificationFailed, "Package of extension "
                    + folders.extension() + " " + folders.version() + " changed after verification ("
                    + VerificationFailure.PackageModifiedAfterVerification + "): " + difference + ". Nothing of it ran."));
        }
    }

    private static String tails(HandlerProcess.Result result) {
        String tail = !result.stderrTail().isEmpty() ? result.stderrTail() : result.stdoutTail();
        return tail.isEmpty() ? "" : ": " + tail;
    }

    /** Custom Script's way: the tails of stdout and stderr as substatuses. */
    private static List<InstanceView.Status> outputSubstatuses(HandlerProcess.Result result) {
        List<InstanceView.Status> substatuses = new ArrayList<>();
        if (!result.stdoutTail().isEmpty()) {
            substatuses.add(HandlerStatus.substatus("StdOut", "success", result.stdoutTail()));
        }
        if (!result.stderrTail().isEmpty()) {
            substatuses.add(HandlerStatus.substatus("StdErr", "success", result.stderrTail()));
        }
        return substatuses;
    }

    /** Package files lose every write bit; folders stay the agent's (0755), so nobody else can add or swap files. */
    private static void makeReadOnly(Path packageDir) throws IOException {
        try (var paths = Files.walk(packageDir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, Files.isExecutable(path) ? READ_EXECUTE : READ_ONLY);
                } else if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    private static void writeReadOnly(Path file, byte[] content) throws IOException {
        PrivateFiles.write(file, content, true);
        Files.setPosixFilePermissions(file, READ_ONLY);
    }

    private static void directory(Path dir, String mode) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    }

    /** A folder that belongs to the handler's user ({@code null}: stays the agent's). */
    private static void handlerOwned(Path dir, String mode, HandlerUser user) throws IOException {
        directory(dir, mode);
        if (user != null) {
            user.own(dir);
        }
    }

    private Object lockOf(Path machineHome) {
        return machineLocks.computeIfAbsent(machineHome, home -> new Object());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A command that failed, with the outcome to report and the exit code to hand on ({@code timeout} when killed). */
    private static final class CommandFailed extends Exception {
        final HandlerOutcome outcome;
        final String exitCode;

        CommandFailed(HandlerOutcome outcome) {
            this(outcome, "error");
        }

        CommandFailed(HandlerOutcome outcome, String exitCode) {
            super(outcome.message(), null, false, false);
            this.outcome = outcome;
            this.exitCode = exitCode;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "bulwark-agent-handler-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

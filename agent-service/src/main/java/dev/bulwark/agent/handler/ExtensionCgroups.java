package dev.bulwark.agent.handler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup that holds every handler process of one machine, one child group per extension, with
 * {@code extensions.agent.cpulimit} as its CPU quota (docs/extension-handlers.md, "CPU limit"):
 * <ul>
 *   <li>cgroup v2 (a cgroup2 mount whose {@code cgroup.controllers} offers {@code cpu}):
 *       {@code cpu.max} on {@code <mount>/bulwark/<machine>/};</li>
 *   <li>cgroup v1 (a writable {@code cgroup} mount with the {@code cpu} controller, such as
 *       {@code /sys/fs/cgroup/cpu} or {@code /sys/fs/cgroup/cpu,cpuacct}): {@code cpu.cfs_quota_us} /
 *       {@code cpu.cfs_period_us} on {@code <mount>/bulwark/<machine>/};</li>
 *   <li>otherwise (no writable cgroup, for example an unprivileged agent or a read-only container mount):
 *       no quota; handlers are started under {@code nice -n 19}, {@link Group#killAll} cannot find their
 *       processes and the caller kills by process group instead.</li>
 * </ul>
 * {@link #detect} creates the machine group; {@link #probe} says, without creating anything, what
 * {@code detect} would use ({@code bulwark-agent show}). Neither throws: whatever goes wrong is the
 * fallback, with the reason in {@link #mechanism()}.
 *
 * <p>Processes join a group through {@link Group#launchPrefix()}: a fixed {@code /bin/sh} script that
 * writes its own pid into the group's {@code cgroup.procs} and then execs the real argv, so the command
 * and everything it forks are in the group from its first instruction. The prefix must come before any
 * switch to the extension's user (only root may move a process into the group).
 */
public final class ExtensionCgroups {
    /** CFS period in microseconds, for both versions. */
    public static final long PERIOD_MICROS = 100_000;
    /** The smallest quota the kernel accepts is 1 ms. */
    public static final long MIN_QUOTA_MICROS = 1_000;
    /** The folder under a hierarchy's root that holds every machine's group. */
    public static final String BULWARK = "bulwark";

    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    static final String JOIN_SCRIPT = "echo $$ > \"$0\" && exec \"$@\"";
    private static final List<String> CONTROL_FILE_PREFIXES = List.of("cgroup.", "cpu.", "cpuacct.", "cpuset.",
            "memory.", "io.", "pids.", "rdma.", "hugetlb.", "misc.", "blkio.", "devices.", "freezer.", "net_cls.",
            "net_prio.", "perf_event.");
    private static final List<String> CONTROL_FILES = List.of("tasks", "notify_on_release", "release_agent");

    /** Which mechanism is in force. */
    public enum Kind {
        CGROUP_V2, CGROUP_V1, NONE
    }

    private final Kind kind;
    /** {@code <root>/bulwark/<machineKey>}; null for {@link Kind#NONE}. */
    private final Path machineGroup;
    private final String mechanism;
    private final List<String> nicePrefix;

    private ExtensionCgroups(Kind kind, Path machineGroup, String mechanism, List<String> nicePrefix) {
        this.kind = kind;
        this.machineGroup = machineGroup;
        this.mechanism = mechanism;
        this.nicePrefix = nicePrefix;
    }

    /** The machine group of {@code machineKey} on this host's cgroups, created if missing; or the fallback. */
    public static ExtensionCgroups detect(String machineKey) {
        return detect(machineKey, MOUNTINFO, null);
    }

    /**
     * As {@link #detect(String)}, reading {@code mountinfo} and resolving every mount point in it under
     * {@code sysRoot} (null: the real file system), so a test can hand it a fake tree.
     */
    public static ExtensionCgroups detect(String machineKey, Path mountinfo, Path sysRoot) {
        String key = safeName(machineKey);
        List<String> reasons = new ArrayList<>();
        try {
            for (Mount mount : candidates(mountinfo, reasons)) {
                Path root = mount.resolve(sysRoot);
                try {
                    return mount.isV2() ? createV2(root, key) : createV1(root, key);
                } catch (Unusable | IOException | RuntimeException e) {
                    reasons.add(mount.label() + " at " + root + ": " + describe(e));
                }
            }
        } catch (RuntimeException unexpected) {
            reasons.add(describe(unexpected));
        }
        return fallback(reasons);
    }

    /** What {@link #detect(String)} would use, as {@link #mechanism()} would say it; creates and writes nothing. */
    public static String probe(String machineKey) {
        return probe(machineKey, MOUNTINFO, null);
    }

    /** As {@link #probe(String)} on {@code mountinfo} with mount points under {@code sysRoot} (null: the real ones). */
    public static String probe(String machineKey, Path mountinfo, Path sysRoot) {
        String key = safeName(machineKey);
        List<String> reasons = new ArrayList<>();
        try {
            for (Mount mount : candidates(mountinfo, reasons)) {
                Path root = mount.resolve(sysRoot);
                try {
                    Path group = root.resolve(BULWARK).resolve(key);
                    if (mount.isV2()) {
                        requireCpuController(root);
                        requireWritable(Files.exists(root.resolve(BULWARK)) ? root.resolve(BULWARK) : root);
                        return v2Text(group);
                    }
                    requireWritable(deepestExisting(group));
                    return v1Text(group);
                } catch (Unusable | IOException | RuntimeException e) {
                    reasons.add(mount.label() + " at " + root + ": " + describe(e));
                }
            }
        } catch (RuntimeException unexpected) {
            reasons.add(describe(unexpected));
        }
        return fallback(reasons).mechanism;
    }

    /**
     * A machine key derived from a machine's home folder: the first 12 hex digits of the SHA-256 of its
     * absolute path. Distinct homes on one host get distinct groups, and {@code show} and the agent agree.
     */
    public static String machineKey(Path home) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(home.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** True when a quota is enforced and {@link Group#killAll} can find every process of a group. */
    public boolean isCgroup() {
        return kind != Kind.NONE;
    }

    /** {@code <root>/bulwark/<machineKey>}, empty in the fallback. */
    public Optional<Path> machineGroup() {
        return Optional.ofNullable(machineGroup);
    }

    /** For {@code show}: "cgroup v1 cpu.cfs_quota_us (PATH)", "cgroup v2 cpu.max (PATH)" or "none: WHY; ...". */
    public String mechanism() {
        return mechanism;
    }

    /**
     * Sets the machine group's quota to {@code percent} of the machine's total CPU
     * ({@link Runtime#availableProcessors()} CPUs): quota = period x CPUs x percent / 100, at least 1 ms.
     * Writes only what differs from what the files hold. Does nothing in the fallback.
     *
     * @throws IllegalArgumentException when {@code percent} is not 1 to 100
     * @throws UncheckedIOException     when the cgroup files cannot be read or written
     */
    public void applyCpuLimit(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("CPU limit must be 1 to 100 percent, got " + percent);
        }
        if (kind == Kind.NONE) {
            return;
        }
        long quota = quotaMicros(percent, Runtime.getRuntime().availableProcessors());
        try {
            if (kind == Kind.CGROUP_V2) {
                writeIfDifferent(machineGroup.resolve("cpu.max"), quota + " " + PERIOD_MICROS);
            } else {
                writeIfDifferent(machineGroup.resolve("cpu.cfs_period_us"), String.valueOf(PERIOD_MICROS));
                writeIfDifferent(machineGroup.resolve("cpu.cfs_quota_us"), String.valueOf(quota));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the CPU limit on " + machineGroup + ": " + describe(e), e);
        }
    }

    static long quotaMicros(int percent, int cpus) {
        return Math.max(MIN_QUOTA_MICROS, PERIOD_MICROS * Math.max(1, cpus) * percent / 100);
    }

    /**
     * The group of one extension, {@code <machine group>/<safe name>}, created if missing (in the fallback a
     * group that holds nothing).
     *
     * @throws UncheckedIOException when the group cannot be created
     */
    public Group group(String extensionName) {
        if (kind == Kind.NONE) {
            return new Group(null, nicePrefix);
        }
        Path dir = machineGroup.resolve(safeName(extensionName));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cgroup " + dir + ": " + describe(e), e);
        }
        return new Group(dir, List.of("/bin/sh", "-c", JOIN_SCRIPT, dir.resolve("cgroup.procs").toString()));
    }

    /**
     * Kills every process left in this machine's extension groups, then removes them and the machine group;
     * the shared {@code bulwark} folder stays. For a machine that is gone ({@code ./bulwark down}), and for tests.
     *
     * @throws UncheckedIOException when a group cannot be emptied or removed
     */
    public void removeMachineGroup() {
        if (machineGroup == null || !Files.isDirectory(machineGroup)) {
            return;
        }
        try {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(machineGroup, Files::isDirectory)) {
                for (Path child : children) {
                    new Group(child, List.of()).killAll(Duration.ofSeconds(5));
                    Files.deleteIfExists(child);
                }
            }
            Files.deleteIfExists(machineGroup);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the cgroup " + machineGroup + ": " + describe(e), e);
        }
    }

    /**
     * An extension's group. Everything a launched command forks stays in it, so it is both how the CPU
     * quota reaches every handler process and how the agent finds them all to kill them.
     */
    public static final class Group {
        private final Path dir;
        private final List<String> launchPrefix;

        private Group(Path dir, List<String> launchPrefix) {
            this.dir = dir;
            this.launchPrefix = launchPrefix;
        }

        /** The group's folder; empty in the fallback. */
        public Optional<Path> path() {
            return Optional.ofNullable(dir);
        }

        public boolean isCgroup() {
            return dir != null;
        }

        /**
         * The argv that goes before the command (and before any switch to the extension's user): with a
         * cgroup {@code ["/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", "<group>/cgroup.procs"]}, a
         * fixed script into which nothing is interpolated (the command follows as its arguments, and does
         * not run when the pid cannot be written); in the fallback {@code [<path of nice>, "-n", "19"]}, or
         * nothing when no {@code nice} is installed.
         */
        public List<String> launchPrefix() {
            return launchPrefix;
        }

        /** {@link #launchPrefix()} followed by {@code argv}. */
        public List<String> wrap(List<String> argv) {
            List<String> all = new ArrayList<>(launchPrefix);
            all.addAll(argv);
            return Collections.unmodifiableList(all);
        }

        /** The processes in the group now (thread-group ids, from {@code cgroup.procs}); empty in the fallback. */
        public List<Long> pids() {
            if (dir == null) {
                return List.of();
            }
            try {
                return readPids(dir.resolve("cgroup.procs"));
            } catch (NoSuchFileException gone) {
                return List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir.resolve("cgroup.procs") + ": " + describe(e), e);
            }
        }

        /**
         * Kills every process in the group with SIGKILL (cgroup v2: by writing {@code 1} to
         * {@code cgroup.kill} when the kernel has it), again and again so that processes forked meanwhile
         * die too, until {@code cgroup.procs} is empty or {@code wait} has passed. The agent's own process is
         * never killed. Dead processes whose parent has not reaped them yet are not listed by the kernel.
         *
         * @return true when the group is empty; always false in the fallback, where the group holds nothing
         *         the agent can find: the caller must kill the command's process group instead
         */
        public boolean killAll(Duration wait) {
            if (dir == null) {
                return false;
            }
            long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
            long self = ProcessHandle.current().pid();
            Path cgroupKill = dir.resolve("cgroup.kill");
            while (true) {
                List<Long> pids = pids();
                if (pids.isEmpty()) {
                    return true;
                }
                if (Files.exists(cgroupKill)) {
                    try {
                        Files.writeString(cgroupKill, "1", StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    } catch (IOException ignored) {
                        // fall back to killing pid by pid below
                    }
                }
                for (long pid : pids) {
                    if (pid != self) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    return pids().isEmpty();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return pids().isEmpty();
                }
            }
        }

        /**
         * Removes the group (rmdir); nothing when it is already gone or in the fallback.
         *
         * @throws UncheckedIOException when it still holds processes or cannot be removed
         */
        public void delete() {
            if (dir == null) {
                return;
            }
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the cgroup " + dir + ": " + describe(e), e);
            }
        }

        @Override
        public String toString() {
            return dir == null ? "no cgroup" : dir.toString();
        }
    }

    // --- detection ---------------------------------------------------------------------------------

    private static ExtensionCgroups createV2(Path root, String key) throws IOException, Unusable {
        requireCpuController(root);
        enableCpu(root);
        Path bulwark = root.resolve(BULWARK);
        Files.createDirectories(bulwark);
        enableCpu(bulwark);
        Path group = bulwark.resolve(key);
        Files.createDirectories(group);
        if (!Files.exists(group.resolve("cpu.max"))) {
            throw new Unusable(group + " has no cpu.max although cpu is enabled for it");
        }
        return new ExtensionCgroups(Kind.CGROUP_V2, group, v2Text(group), List.of());
    }

    private static ExtensionCgroups createV1(Path root, String key) throws IOException, Unusable {
        Path group = root.resolve(BULWARK).resolve(key);
        Files.createDirectories(group);
        if (!Files.exists(group.resolve("cpu.cfs_quota_us"))) {
            throw new Unusable(group + " has no cpu.cfs_quota_us");
        }
        return new ExtensionCgroups(Kind.CGROUP_V1, group, v1Text(group), List.of());
    }

    private static String v2Text(Path group) {
        return "cgroup v2 cpu.max (" + group + ")";
    }

    private static String v1Text(Path group) {
        return "cgroup v1 cpu.cfs_quota_us (" + group + ")";
    }

    private static ExtensionCgroups fallback(List<String> reasons) {
        List<String> nice = nicePrefix();
        String why = reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")";
        String how = nice.isEmpty() ? "handlers run with no quota and normal priority (no nice found)"
                : "handlers run with nice 19 and no quota";
        return new ExtensionCgroups(Kind.NONE, null, "none: no writable cgroup CPU controller" + why + "; " + how, nice);
    }

    /** cgroup v2 mounts (the one at /sys/fs/cgroup first), then cgroup v1 mounts with the cpu controller. */
    private static List<Mount> candidates(Path mountinfo, List<String> reasons) {
        List<Mount> mounts;
        try {
            mounts = Mount.parseAll(Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
        } catch (IOException e) {
            reasons.add("cannot read " + mountinfo + ": " + describe(e));
            return List.of();
        }
        List<Mount> v2 = new ArrayList<>();
        List<Mount> v1 = new ArrayList<>();
        for (Mount mount : mounts) {
            if (mount.isV2()) {
                if (mount.mountPoint().equals("/sys/fs/cgroup")) {
                    v2.add(0, mount);
                } else {
                    v2.add(mount);
                }
            } else if (mount.fsType().equals("cgroup") && mount.superOptions().contains("cpu")) {
                v1.add(mount);
            }
        }
        List<Mount> all = new ArrayList<>(v2);
        all.addAll(v1);
        List<Mount> usable = new ArrayList<>();
        for (Mount mount : all) {
            if (mount.readOnly()) {
                reasons.add(mount.label() + " at " + mount.mountPoint() + ": mounted read-only");
            } else {
                usable.add(mount);
            }
        }
        if (all.isEmpty()) {
            reasons.add("no cgroup v2 or cgroup v1 cpu mount in " + mountinfo);
        }
        return usable;
    }

    private static void requireCpuController(Path root) throws IOException, Unusable {
        List<String> controllers = tokens(root.resolve("cgroup.controllers"));
        if (!controllers.contains("cpu")) {
            throw new Unusable("the cpu controller is not available there (cgroup.controllers: "
                    + (controllers.isEmpty() ? "none" : String.join(" ", controllers)) + ")");
        }
    }

    /** Makes the cpu controller available to {@code parent}'s children. */
    private static void enableCpu(Path parent) throws IOException {
        Path subtree = parent.resolve("cgroup.subtree_control");
        if (!tokens(subtree).contains("cpu")) {
            Files.writeString(subtree, "+cpu", StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    private static void requireWritable(Path dir) throws Unusable {
        if (!Files.isWritable(dir)) {
            throw new Unusable("cannot create groups in " + dir + " (not writable by this user)");
        }
    }

    private static Path deepestExisting(Path path) {
        Path current = path;
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current == null ? path : current;
    }

    private static List<String> nicePrefix() {
        List<Path> candidates = new ArrayList<>();
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String entry : pathVar.split(":")) {
                if (entry.startsWith("/")) {
                    candidates.add(Path.of(entry, "nice"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/nice"));
        candidates.add(Path.of("/bin/nice"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return List.of(candidate.toString(), "-n", "19");
            }
        }
        return List.of();
    }

    // --- files -------------------------------------------------------------------------------------

    private static void writeIfDifferent(Path file, String value) throws IOException {
        if (!Files.readString(file, StandardCharsets.UTF_8).trim().equals(value)) {
            Files.writeString(file, value, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    private static List<String> tokens(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
    }

    static List<Long> readPids(Path procs) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty()) {
                pids.add(Long.parseLong(trimmed));
            }
        }
        return pids;
    }

    /**
     * A group name made of {@code [A-Za-z0-9._-]} only. A name that had other characters, or that would
     * collide with a cgroup control file ({@code cpu.max}, {@code tasks}, ...) or be {@code .}/{@code ..},
     * gets a short hash of the original so that two different names never share a group.
     */
    static String safeName(String name) {
        String original = name == null ? "" : name;
        String cleaned = original.replaceAll("[^A-Za-z0-9._-]", "_");
        String lower = cleaned.toLowerCase(java.util.Locale.ROOT);
        boolean clash = cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..")
                || CONTROL_FILES.contains(lower) || CONTROL_FILE_PREFIXES.stream().anyMatch(lower::startsWith);
        if (cleaned.equals(original) && !clash) {
            return cleaned.length() <= 200 ? cleaned : cleaned.substring(0, 200) + "-" + shortHash(original);
        }
        String base = cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
        return (clash ? "x-" : "") + base + "-" + shortHash(original);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof AccessDeniedException denied) {
            return "permission denied (" + denied.getFile() + ")";
        }
        if (e instanceof NoSuchFileException missing) {
            return "missing " + missing.getFile();
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " exists and is not a folder";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** A hierarchy that exists but cannot hold the machine group. */
    private static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /** One line of /proc/self/mountinfo (proc(5)). */
    record Mount(String mountPoint, List<String> mountOptions, String fsType, List<String> superOptions) {
        boolean isV2() {
            return fsType.equals("cgroup2");
        }

        boolean readOnly() {
            return mountOptions.contains("ro") || superOptions.contains("ro");
        }

        String label() {
            return isV2() ? "cgroup v2" : "cgroup v1 cpu";
        }

        Path resolve(Path sysRoot) {
            return sysRoot == null ? Path.of(mountPoint) : sysRoot.resolve(mountPoint.replaceFirst("^/+", ""));
        }

        static List<Mount> parseAll(List<String> lines) {
            List<Mount> mounts = new ArrayList<>();
            for (String line : lines) {
                Mount mount = parse(line);
                if (mount != null) {
                    mounts.add(mount);
                }
            }
            return mounts;
        }

        /** {@code id parent major:minor root mountpoint options [optional...] - fstype source superoptions}. */
        static Mount parse(String line) {
            String[] fields = line.trim().split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (separator < 6 || fields.length < separator + 3) {
                return null;
            }
            List<String> superOptions = fields.length > separator + 3
                    ? List.of(fields[separator + 3].split(",")) : List.of();
            return new Mount(unescape(fields[4]), List.of(fields[5].split(",")), fields[separator + 1], superOptions);
        }

        /** mountinfo writes space, tab, newline and backslash as {@code \ooo}. */
        private static String unescape(String field) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}

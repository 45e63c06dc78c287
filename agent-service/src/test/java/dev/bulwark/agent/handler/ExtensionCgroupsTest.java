package dev.bulwark.agent.handler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The first half runs against this host's real cgroups (skipped, with the reason, where the agent cannot
 * create a CPU cgroup); the second half against fake trees described by a fake mountinfo.
 */
class ExtensionCgroupsTest {
    private static final Path V1_CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    @TempDir
    Path fake;

    private final List<ExtensionCgroups> real = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor();
        }
        for (ExtensionCgroups cgroups : real) {
            cgroups.machineGroup().ifPresent(group -> {
                try (var children = Files.newDirectoryStream(group, Files::isDirectory)) {
                    for (Path child : children) {
                        cgroups.group(child.getFileName().toString()).killAll(Duration.ofSeconds(2));
                    }
                } catch (IOException ignored) {
                    // removeMachineGroup reports what is left
                }
            });
            cgroups.removeMachineGroup();
            cgroups.machineGroup().ifPresent(group -> {
                try {
                    Files.deleteIfExists(group.getParent()); // the shared bulwark group, when no other machine uses it
                } catch (IOException stillUsed) {
                    // another machine's group is in it
                }
            });
        }
    }

    // --- this host's cgroups --------------------------------------------------------------------------

    /** Detects with a machine key of its own; skips the test (saying why) when there is no usable cgroup. */
    private ExtensionCgroups detectReal() {
        ExtensionCgroups cgroups = ExtensionCgroups.detect(uniqueKey());
        real.add(cgroups);
        assume(cgroups.isCgroup(), "no usable cgroup CPU controller on this host: " + cgroups.mechanism());
        return cgroups;
    }

    @Test
    void detectUsesTheWritableCgroupV1CpuHierarchy() {
        assume(Files.isWritable(V1_CPU) && Files.exists(V1_CPU.resolve("cpu.cfs_quota_us")),
                V1_CPU + " is not a writable cgroup v1 cpu hierarchy here");
        String key = uniqueKey();
        String probed = ExtensionCgroups.probe(key);

        ExtensionCgroups cgroups = ExtensionCgroups.detect(key);
        real.add(cgroups);

        assertThat(cgroups.kind()).as(cgroups.mechanism()).isEqualTo(ExtensionCgroups.Kind.CGROUP_V1);
        Path group = V1_CPU.resolve("bulwark").resolve(key);
        assertThat(cgroups.machineGroup()).contains(group);
        assertThat(group.resolve("cpu.cfs_quota_us")).exists();
        assertThat(cgroups.mechanism()).isEqualTo("cgroup v1 cpu.cfs_quota_us (" + group + ")");
        assertThat(probed).as("probe says what detect uses").isEqualTo(cgroups.mechanism());
    }

    @Test
    void applyCpuLimitWritesThePercentOfAllCpusAsTheQuota() throws IOException {
        ExtensionCgroups cgroups = detectReal();
        Path group = cgroups.machineGroup().orElseThrow();

        cgroups.applyCpuLimit(5);
        assertThat(quota(cgroups)).isEqualTo(100_000L * CPUS * 5 / 100);
        cgroups.applyCpuLimit(5);
        assertThat(quota(cgroups)).isEqualTo(100_000L * CPUS * 5 / 100);
        cgroups.applyCpuLimit(100);
        assertThat(quota(cgroups)).isEqualTo(100_000L * CPUS);
        if (cgroups.kind() == ExtensionCgroups.Kind.CGROUP_V1) {
            assertThat(read(group.resolve("cpu.cfs_period_us"))).isEqualTo("100000");
        } else {
            assertThat(read(group.resolve("cpu.max"))).endsWith(" 100000");
        }
    }

    @Test
    void everyProcessLaunchedThroughThePrefixIsInTheGroupAndKillAllLeavesNoneBehind() throws Exception {
        ExtensionCgroups cgroups = detectReal();
        ExtensionCgroups.Group group = cgroups.group("Test.Sleeper");
        Path dir = group.path().orElseThrow();
        assertThat(dir).isEqualTo(cgroups.machineGroup().orElseThrow().resolve("Test.Sleeper")).isDirectory();

        Process process = start(group.wrap(List.of("/bin/sh", "-c", "sleep 30 & sleep 30")));
        List<Long> pids = awaitPids(group, 2);

        assertThat(pids).contains(process.pid()).hasSizeGreaterThanOrEqualTo(2);
        String relative = "/" + cgroups.machineGroup().orElseThrow().getParent().getFileName() + "/"
                + cgroups.machineGroup().orElseThrow().getFileName() + "/Test.Sleeper";
        for (long pid : pids) {
            assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "cgroup")))
                    .as("/proc/%d/cgroup", pid).contains(":" + relative + "\n");
        }
        assertThat(process.descendants().map(ProcessHandle::pid).toList()).isNotEmpty().allMatch(pids::contains);

        assertThat(group.killAll(Duration.ofSeconds(5))).isTrue();

        assertThat(group.pids()).isEmpty();
        assertThat(process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (long pid : pids) {
            assertThat(isDead(pid)).as("pid %d (no orphan left running)", pid).isTrue();
        }
        group.delete();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aCpuBurningHandlerIsThrottledByTheQuota() throws Exception {
        ExtensionCgroups cgroups = detectReal();
        cgroups.applyCpuLimit(5);
        ExtensionCgroups.Group group = cgroups.group("Test.Burner");

        start(group.wrap(List.of("/bin/sh", "-c", "while :; do :; done")));
        awaitPids(group, 1);

        Path stat = cgroups.machineGroup().orElseThrow().resolve("cpu.stat");
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(statValue(stat, "nr_throttled")).as("nr_throttled in " + stat).isPositive());
        assertThat(group.killAll(Duration.ofSeconds(5))).isTrue();
    }

    // --- fake trees ----------------------------------------------------------------------------------

    @Test
    void aFakeCgroupV1CpuCpuacctHierarchyIsUsedAndWritten() throws IOException {
        String key = "ab12cd34ef56";
        Path mount = fake.resolve("sys/fs/cgroup/cpu,cpuacct");
        Path group = mount.resolve("bulwark").resolve(key);
        Files.createDirectories(group);
        Files.writeString(group.resolve("cpu.cfs_period_us"), "100000\n");
        Files.writeString(group.resolve("cpu.cfs_quota_us"), "-1\n");
        Path mountinfo = mountinfo(
                "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct",
                "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset");

        ExtensionCgroups cgroups = ExtensionCgroups.detect(key, mountinfo, fake);
        cgroups.applyCpuLimit(50);

        assertThat(cgroups.kind()).as(cgroups.mechanism()).isEqualTo(ExtensionCgroups.Kind.CGROUP_V1);
        assertThat(cgroups.mechanism()).isEqualTo("cgroup v1 cpu.cfs_quota_us (" + group + ")");
        assertThat(read(group.resolve("cpu.cfs_quota_us"))).isEqualTo(String.valueOf(100_000L * CPUS / 2));
        ExtensionCgroups.Group extension = cgroups.group("Microsoft.Azure.Monitor.AzureMonitorLinuxAgent");
        Path dir = group.resolve("Microsoft.Azure.Monitor.AzureMonitorLinuxAgent");
        assertThat(dir).isDirectory();
        assertThat(extension.launchPrefix()).containsExactly("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                dir.resolve("cgroup.procs").toString());
        assertThat(extension.wrap(List.of("bin/handler", "enable; rm -rf /"))).endsWith("bin/handler", "enable; rm -rf /");
        assertThat(extension.pids()).isEmpty();
        Files.writeString(dir.resolve("cgroup.procs"), "12\n345\n");
        assertThat(extension.pids()).containsExactly(12L, 345L);
    }

    @Test
    void aFakeCgroupV2WithTheCpuControllerIsPreferredAndEnablesCpuForTheMachineGroup() throws IOException {
        String key = "0123456789ab";
        Path root = fake.resolve("sys/fs/cgroup");
        Path group = root.resolve("bulwark").resolve(key);
        Files.createDirectories(group);
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "memory\n");
        Files.writeString(root.resolve("bulwark/cgroup.subtree_control"), "\n");
        Files.writeString(group.resolve("cpu.max"), "max 100000\n");
        Path mountinfo = mountinfo("25 1 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate");

        String probed = ExtensionCgroups.probe(key, mountinfo, fake);
        ExtensionCgroups cgroups = ExtensionCgroups.detect(key, mountinfo, fake);
        cgroups.applyCpuLimit(5);

        assertThat(cgroups.kind()).as(cgroups.mechanism()).isEqualTo(ExtensionCgroups.Kind.CGROUP_V2);
        assertThat(cgroups.mechanism()).isEqualTo("cgroup v2 cpu.max (" + group + ")").isEqualTo(probed);
        assertThat(read(root.resolve("cgroup.subtree_control"))).isEqualTo("+cpu");
        assertThat(read(root.resolve("bulwark/cgroup.subtree_control"))).isEqualTo("+cpu");
        assertThat(read(group.resolve("cpu.max"))).isEqualTo(Math.max(1000, 100_000L * CPUS * 5 / 100) + " 100000");
    }

    @Test
    void aHybridHostWhoseCgroupV2HasNoCpuUsesTheV1CpuHierarchy() throws IOException {
        String key = "hybrid000001";
        Path unified = fake.resolve("sys/fs/cgroup/unified");
        Files.createDirectories(unified);
        Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
        Path v1Group = fake.resolve("sys/fs/cgroup/cpu/bulwark").resolve(key);
        Files.createDirectories(v1Group);
        Files.writeString(v1Group.resolve("cpu.cfs_quota_us"), "-1\n");
        Path mountinfo = mountinfo(
                "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
                "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

        ExtensionCgroups cgroups = ExtensionCgroups.detect(key, mountinfo, fake);

        assertThat(cgroups.kind()).as(cgroups.mechanism()).isEqualTo(ExtensionCgroups.Kind.CGROUP_V1);
        assertThat(cgroups.machineGroup()).contains(v1Group);
    }

    @Test
    void aReadOnlyCgroupMountFallsBackToNiceWithTheReason() throws IOException {
        Path mountinfo = mountinfo("31 30 0:28 / /sys/fs/cgroup/cpu ro,nosuid,relatime - cgroup cgroup ro,cpu,cpuacct");

        ExtensionCgroups cgroups = ExtensionCgroups.detect("ab12cd34ef56", mountinfo, fake);

        assertThat(cgroups.kind()).isEqualTo(ExtensionCgroups.Kind.NONE);
        assertThat(cgroups.isCgroup()).isFalse();
        assertThat(cgroups.machineGroup()).isEmpty();
        assertThat(cgroups.mechanism()).startsWith("none: no writable cgroup CPU controller (cgroup v1 cpu at /sys/fs/cgroup/cpu: mounted read-only)");
        assertThat(ExtensionCgroups.probe("ab12cd34ef56", mountinfo, fake)).isEqualTo(cgroups.mechanism());
        assertThat(fake.resolve("sys")).doesNotExist();
        assertFallbackGroup(cgroups);
    }

    @Test
    void aCgroupTreeWhereNoGroupCanBeCreatedFallsBackAndDetectNeverThrows() throws IOException {
        Path mount = fake.resolve("sys/fs/cgroup/cpu");
        Files.createDirectories(mount);
        Files.writeString(mount.resolve("bulwark"), "a file where the folder should be");
        Path mountinfo = mountinfo("31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu");

        ExtensionCgroups cgroups = ExtensionCgroups.detect("ab12cd34ef56", mountinfo, fake);

        assertThat(cgroups.kind()).isEqualTo(ExtensionCgroups.Kind.NONE);
        assertThat(cgroups.mechanism()).startsWith("none: no writable cgroup CPU controller (cgroup v1 cpu at " + mount + ": ")
                .contains(mount.resolve("bulwark").toString());
        assertFallbackGroup(cgroups);

        ExtensionCgroups none = ExtensionCgroups.detect("ab12cd34ef56", fake.resolve("no-such-mountinfo"), fake);
        assertThat(none.mechanism()).startsWith("none: no writable cgroup CPU controller (cannot read ");
        ExtensionCgroups empty = ExtensionCgroups.detect("ab12cd34ef56", mountinfo("garbage", ""), fake);
        assertThat(empty.mechanism()).contains("no cgroup v2 or cgroup v1 cpu mount in");
    }

    @Test
    void probeCreatesNothing() throws IOException {
        Path mount = fake.resolve("sys/fs/cgroup/cpu");
        Files.createDirectories(mount);
        Path mountinfo = mountinfo("31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu");

        assertThat(ExtensionCgroups.probe("ab12cd34ef56", mountinfo, fake))
                .isEqualTo("cgroup v1 cpu.cfs_quota_us (" + mount.resolve("bulwark/ab12cd34ef56") + ")");
        assertThat(mount.resolve("bulwark")).doesNotExist();
    }

    @Test
    void groupNamesKeepOnlySafeCharactersAndNeverCollideWithControlFiles() {
        assertThat(ExtensionCgroups.safeName("Microsoft.Azure.Extensions.CustomScript"))
                .isEqualTo("Microsoft.Azure.Extensions.CustomScript");
        assertThat(ExtensionCgroups.safeName("a/b c")).matches("a_b_c-[0-9a-f]{8}");
        assertThat(ExtensionCgroups.safeName("a/b c")).isNotEqualTo(ExtensionCgroups.safeName("a_b c"));
        assertThat(ExtensionCgroups.safeName("../..")).matches("[A-Za-z0-9._-]+").doesNotContain("/").isNotEqualTo("..");
        assertThat(ExtensionCgroups.safeName("..")).matches("x-\\.\\.-[0-9a-f]{8}");
        assertThat(ExtensionCgroups.safeName("cpu.max")).startsWith("x-cpu.max-");
        assertThat(ExtensionCgroups.safeName("Cgroup.Procs")).startsWith("x-");
        assertThat(ExtensionCgroups.safeName("tasks")).startsWith("x-");
        assertThat(ExtensionCgroups.safeName("")).matches("x--[0-9a-f]{8}");
        assertThat(ExtensionCgroups.safeName("x".repeat(300))).hasSizeLessThan(255);
    }

    @Test
    void mountinfoLinesAreParsedWithOptionalFieldsAndEscapes() {
        ExtensionCgroups.Mount mount = ExtensionCgroups.Mount.parse(
                "31 30 0:28 / /sys/fs/cgroup/my\\040cpu rw,relatime shared:5 master:1 - cgroup cgroup rw,cpu,cpuacct");
        assertThat(mount.mountPoint()).isEqualTo("/sys/fs/cgroup/my cpu");
        assertThat(mount.fsType()).isEqualTo("cgroup");
        assertThat(mount.superOptions()).contains("cpu", "cpuacct");
        assertThat(mount.readOnly()).isFalse();
        assertThat(ExtensionCgroups.Mount.parse("not a mountinfo line")).isNull();
    }

    @Test
    void theQuotaIsAShareOfAllCpusAndAtLeastOneMillisecond() {
        assertThat(ExtensionCgroups.quotaMicros(5, 2)).isEqualTo(10_000);
        assertThat(ExtensionCgroups.quotaMicros(100, 4)).isEqualTo(400_000);
        assertThat(ExtensionCgroups.quotaMicros(1, 1)).isEqualTo(1_000);
        assertThat(ExtensionCgroups.quotaMicros(1, 0)).isEqualTo(1_000);
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private static void assertFallbackGroup(ExtensionCgroups cgroups) {
        cgroups.applyCpuLimit(5);
        ExtensionCgroups.Group group = cgroups.group("Publisher.Type");
        assertThat(group.isCgroup()).isFalse();
        assertThat(group.path()).isEmpty();
        assertThat(group.pids()).isEmpty();
        assertThat(group.killAll(Duration.ofMillis(10))).as("nothing to find: the caller kills the process group").isFalse();
        group.delete();
        if (Files.isExecutable(Path.of("/usr/bin/nice")) || Files.isExecutable(Path.of("/bin/nice"))) {
            assertThat(cgroups.mechanism()).endsWith("; handlers run with nice 19 and no quota");
            assertThat(group.launchPrefix()).hasSize(3).endsWith("-n", "19");
            assertThat(group.launchPrefix().get(0)).startsWith("/").endsWith("/nice");
        }
    }

    private static void assume(boolean condition, String reason) {
        if (!condition) {
            System.err.println("ExtensionCgroupsTest: skipped: " + reason);
        }
        assumeTrue(condition, reason);
    }

    private static String uniqueKey() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return "t" + HexFormat.of().formatHex(random).substring(1);
    }

    private Process start(List<String> argv) throws IOException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        return process;
    }

    private static List<Long> awaitPids(ExtensionCgroups.Group group, int count) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(group.pids()).as("processes in " + group).hasSizeGreaterThanOrEqualTo(count));
        return group.pids();
    }

    private static boolean isDead(long pid) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        try {
            return Files.readAllLines(status).stream().anyMatch(line -> line.matches("State:\\s+[ZX].*"));
        } catch (java.nio.file.NoSuchFileException gone) {
            return true;
        }
    }

    private static long quota(ExtensionCgroups cgroups) throws IOException {
        Path group = cgroups.machineGroup().orElseThrow();
        return cgroups.kind() == ExtensionCgroups.Kind.CGROUP_V1
                ? Long.parseLong(read(group.resolve("cpu.cfs_quota_us")))
                : Long.parseLong(read(group.resolve("cpu.max")).split(" ")[0]);
    }

    private static long statValue(Path stat, String name) throws IOException {
        for (String line : Files.readAllLines(stat)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].equals(name)) {
                return Long.parseLong(fields[1]);
            }
        }
        return 0;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    private Path mountinfo(String... lines) throws IOException {
        Path file = Files.createTempFile(fake, "mountinfo", "");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }
}

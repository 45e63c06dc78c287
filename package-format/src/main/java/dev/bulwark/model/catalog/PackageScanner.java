package dev.bulwark.model.catalog;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The malware scan a package passes before the cloud accepts it (and before {@code publisher sign} signs
 * it). Built in: the EICAR test file anywhere in the raw ZIP bytes, in every entry after decompression, and
 * inside nested ZIP, JAR or gzip archives (three levels deep). When ClamAV's {@code clamscan} is installed
 * it runs too. The verdict fails closed: an archive that cannot be read, or a scanner that errs or times
 * out, gives {@link Status#FAILED}, never {@link Status#CLEAN}.
 */
public final class PackageScanner {

    public enum Status { CLEAN, INFECTED, FAILED }

    public record ScanResult(Status status, List<String> findings, List<String> engines) {
        public boolean clean() {
            return status == Status.CLEAN;
        }
    }

    private static final int MAX_NESTING = 3;
    private static final String BUILT_IN = "bulwark-eicar";

    private final Path clamscan;
    private final Duration clamscanTimeout;
    private final ArchiveLimits limits;

    public PackageScanner(Path clamscan, Duration clamscanTimeout, ArchiveLimits limits) {
        this.clamscan = clamscan;
        this.clamscanTimeout = clamscanTimeout;
        this.limits = limits;
    }

    /** The built-in scanner only. */
    public static PackageScanner builtIn() {
        return new PackageScanner(null, Duration.ZERO, ArchiveLimits.DEFAULTS);
    }

    /** The built-in scanner, plus {@code clamscan} when it is on the PATH. */
    public static PackageScanner withClamscanIfInstalled() {
        return new PackageScanner(findOnPath("clamscan", System.getenv("PATH")).orElse(null),
                Duration.ofMinutes(10), ArchiveLimits.DEFAULTS);
    }

    public List<String> engines() {
        return clamscan == null ? List.of(BUILT_IN) : List.of(BUILT_IN, "clamscan");
    }

    /**
     * The 68-byte EICAR test file, assembled at run time so that no source or class file of Bulwark contains
     * it (which would upset virus scanners on developer machines).
     */
    public static byte[] eicarTestFile() {
        String[] parts = {"X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-", "TEST-FILE!$H+H*"};
        return String.join("", parts).getBytes(StandardCharsets.US_ASCII);
    }

    public ScanResult scan(Path zip) {
        List<String> findings = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            scanRaw(zip, findings);
            scanEntries(zip, findings, failures);
        } catch (IOException e) {
            failures.add("cannot read " + zip + ": " + e.getMessage());
        }
        if (clamscan != null) {
            runClamscan(zip, findings, failures);
        }
        if (!findings.isEmpty()) {
            return new ScanResult(Status.INFECTED, List.copyOf(findings), engines());
        }
        if (!failures.isEmpty()) {
            return new ScanResult(Status.FAILED, List.copyOf(failures), engines());
        }
        return new ScanResult(Status.CLEAN, List.of(), engines());
    }

    private static void scanRaw(Path zip, List<String> findings) throws IOException {
        Matcher matcher = new Matcher();
        try (InputStream in = Files.newInputStream(zip)) {
            in.transferTo(matcher);
        }
        if (matcher.found >= 0) {
            findings.add("EICAR test file in the archive's raw bytes at offset " + matcher.found);
        }
    }

    /** Every entry as the agent will extract it (the same strict reader), nested archives looked into. */
    private void scanEntries(Path zip, List<String> findings, List<String> failures) throws IOException {
        try (ZipArchive archive = ZipArchive.open(zip, limits)) {
            for (ZipArchive.Entry entry : archive.entries()) {
                if (entry.directory()) {
                    continue;
                }
                Matcher matcher = new Matcher();
                try (Spool spool = new Spool()) {
                    archive.copy(entry, new Tee(matcher, spool), Long.MAX_VALUE);
                    if (matcher.found >= 0) {
                        findings.add("EICAR test file in " + entry.name());
                    }
                    scanNested(spool, entry.name(), 1, findings, failures);
                }
            }
        } catch (VerificationException e) {
            failures.add("the archive cannot be scanned: " + e.reason() + ": " + e.getMessage());
        }
    }

    private void scanNested(Spool spool, String label, int depth, List<String> findings, List<String> failures)
            throws IOException {
        Kind kind = spool.finish();
        if (kind == Kind.OTHER) {
            return;
        }
        if (depth > MAX_NESTING) {
            failures.add(label + " nests archives more than " + MAX_NESTING + " levels deep");
            return;
        }
        long budget = Math.max(limits.ratioGraceBytes(), Files.size(spool.file) * limits.maxRatio());
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(spool.file))) {
            if (kind == Kind.GZIP) {
                scanStream(new GZIPInputStream(raw), label + "!", depth, budget, findings, failures);
                return;
            }
            ZipInputStream zip = new ZipInputStream(raw);
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    budget -= scanStream(zip, label + "!/" + entry.getName(), depth, budget, findings, failures);
                }
            }
        } catch (IOException | RuntimeException e) {
            // ZipInputStream throws IllegalArgumentException for undecodable names: unreadable is not clean.
            failures.add("the nested archive " + label + " cannot be read: " + e.getMessage());
        }
    }

    /** Scans one decompressed stream, and looks inside it if it is itself an archive. */
    private long scanStream(InputStream in, String label, int depth, long budget, List<String> findings,
                            List<String> failures) throws IOException {
        Matcher matcher = new Matcher();
        try (Spool spool = new Spool()) {
            Tee tee = new Tee(matcher, spool);
            byte[] buffer = new byte[64 * 1024];
            long copied = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                copied += n;
                if (copied > budget) {
                    failures.add(label + " decompresses to more than " + limits.maxRatio() + " times its archive");
                    return copied;
                }
                tee.write(buffer, 0, n);
            }
            if (matcher.found >= 0) {
                findings.add("EICAR test file in " + label);
            }
            scanNested(spool, label, depth + 1, findings, failures);
            return copied;
        }
    }

    private enum Kind { UNKNOWN, ZIP, GZIP, OTHER }

    /** Keeps a temporary copy of an entry only when its first bytes say it is a ZIP or gzip archive. */
    private static final class Spool extends OutputStream {
        private final byte[] head = new byte[4];
        private int headLength;
        private Kind kind = Kind.UNKNOWN;
        private Path file;
        private OutputStream out;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (kind == Kind.UNKNOWN) {
                int take = Math.min(len, head.length - headLength);
                System.arraycopy(b, off, head, headLength, take);
                headLength += take;
                off += take;
                len -= take;
                if (headLength == head.length) {
                    decide();
                }
            }
            if (out != null && len > 0) {
                out.write(b, off, len);
            }
        }

        private void decide() throws IOException {
            if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                kind = Kind.ZIP;
            } else if ((head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                kind = Kind.GZIP;
            } else {
                kind = Kind.OTHER;
                return;
            }
            file = Files.createTempFile("bulwark-scan", ".bin");
            out = new java.io.BufferedOutputStream(Files.newOutputStream(file));
            out.write(head, 0, headLength);
        }

        /** Ends writing and says what the content is; an archive's copy stays in {@link #file} until closed. */
        Kind finish() throws IOException {
            if (kind == Kind.UNKNOWN) {
                kind = Kind.OTHER;
            }
            if (out != null) {
                out.close();
                out = null;
            }
            return kind;
        }

        @Override
        public void close() throws IOException {
            finish();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void runClamscan(Path zip, List<String> findings, List<String> failures) {
        try {
            Process process = new ProcessBuilder(clamscan.toString(), "--no-summary", "--infected", "--stdout",
                    zip.toAbsolutePath().toString()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(clamscanTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                failures.add("clamscan did not finish within " + clamscanTimeout);
                return;
            }
            String text = new String(output, StandardCharsets.UTF_8);
            switch (process.exitValue()) {
                case 0 -> { }
                case 1 -> text.lines().filter(l -> l.endsWith("FOUND")).map(l -> "clamscan: " + l).forEach(findings::add);
                default -> failures.add("clamscan failed (exit " + process.exitValue() + "): "
                        + text.lines().findFirst().orElse(""));
            }
            if (process.exitValue() == 1 && findings.isEmpty()) {
                findings.add("clamscan reported an infection");
            }
        } catch (IOException e) {
            failures.add("clamscan could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted while clamscan ran");
        }
    }

    static Optional<Path> findOnPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Knuth-Morris-Pratt search for the EICAR string across chunk boundaries. */
    private static final class Matcher extends OutputStream {
        private static final byte[] PATTERN = eicarTestFile();
        private static final int[] FAILURE = failureTable(PATTERN);
        private int state;
        private long offset;
        long found = -1;

        @Override
        public void write(int b) {
            if (found >= 0) {
                return;
            }
            while (state > 0 && PATTERN[state] != (byte) b) {
                state = FAILURE[state - 1];
            }
            if (PATTERN[state] == (byte) b) {
                state++;
            }
            offset++;
            if (state == PATTERN.length) {
                found = offset - PATTERN.length;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len && found < 0; i++) {
                write(b[i]);
            }
        }

        private static int[] failureTable(byte[] pattern) {
            int[] table = new int[pattern.length];
            for (int i = 1, k = 0; i < pattern.length; i++) {
                while (k > 0 && pattern[i] != pattern[k]) {
                    k = table[k - 1];
                }
                if (pattern[i] == pattern[k]) {
                    k++;
                }
                table[i] = k;
            }
            return table;
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}

package dev.bulwark.model.catalog;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static dev.bulwark.model.catalog.VerificationFailure.ArchiveEntryLengthMismatch;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveMalformed;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveRatioTooHigh;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooLarge;
import static dev.bulwark.model.catalog.VerificationFailure.ArchiveTooManyEntries;
import static dev.bulwark.model.catalog.VerificationFailure.DuplicateArchiveEntry;
import static dev.bulwark.model.catalog.VerificationFailure.UnsafeArchiveEntry;

/**
 * A strict ZIP reader: the one parser that decides what a package contains, for the agent's extraction, the
 * publisher's {@code sign} and the cloud's intake alike.
 *
 * <p>ZIP has two indexes, the local headers a streaming reader ({@code ZipInputStream}) walks and the central
 * directory a random-access reader ({@code ZipFile}) trusts; archives that make them disagree (duplicate
 * names, entries hidden between or before entries, headers that differ, overlapping entries) are how one
 * tool is shown a harmless file and another a malicious one. This reader accepts an archive only when both
 * views are the same: the entries tile the file from byte 0 to the central directory with nothing in
 * between, each local header repeats its central record, names are unique even after case folding, and the
 * end record ends the file. Entry data are then read through {@link #copy}, which counts the bytes it
 * actually produces against the declared size, the catalog's length and the {@link ArchiveLimits}.
 */
public final class ZipArchive implements Closeable {
    public static final int STORED = 0;
    public static final int DEFLATED = 8;

    static final int LOC_SIG = 0x04034b50;
    static final int CEN_SIG = 0x02014b50;
    static final int END_SIG = 0x06054b50;
    static final int DESCRIPTOR_SIG = 0x08074b50;
    static final int LOC_HEADER = 30;
    static final int CEN_HEADER = 46;
    static final int END_HEADER = 22;
    static final int FLAG_ENCRYPTED = 0x1;
    static final int FLAG_DESCRIPTOR = 0x8;
    static final int FLAG_STRONG_ENCRYPTION = 0x40;
    static final int FLAG_UTF8 = 0x800;
    static final int FLAG_MASKED_HEADERS = 0x2000;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;
    private static final int DOS_REPARSE_POINT = 0x400;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final int UNICODE_PATH_EXTRA = 0x7075;
    private static final long U32 = 0xFFFFFFFFL;
    private static final int MAX_CENTRAL_DIRECTORY = 64 << 20;
    private static final int BUFFER = 64 * 1024;

    /**
     * One entry as both indexes describe it.
     *
     * @param executable the owner-execute bit of the Unix mode, if the archive records one
     */
    public record Entry(String name, boolean directory, int method, long compressedSize, long size, long crc,
                        long headerOffset, long dataOffset, boolean executable) {
    }

    private final Path file;
    private final FileChannel channel;
    private final ArchiveLimits limits;
    private final List<Entry> entries;
    private long totalProduced;
    private long totalConsumed;

    private ZipArchive(Path file, FileChannel channel, ArchiveLimits limits, List<Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.limits = limits;
        this.entries = entries;
    }

    /** Opens and checks the archive's structure; no entry data are read yet. */
    public static ZipArchive open(Path zip, ArchiveLimits limits) throws VerificationException, IOException {
        FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ);
        try {
            return new ZipArchive(zip, channel, limits, new Parser(channel, limits).parse());
        } catch (VerificationException | IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Entries in file order. */
    public List<Entry> entries() {
        return entries;
    }

    public Path file() {
        return file;
    }

    /**
     * Decompresses one entry into {@code sink}, checking every chunk before it is written: never more than the
     * entry declares or than {@code expectedLength} (the catalog's length; {@code Long.MAX_VALUE} if unknown),
     * never past the total size or the compression ratio limits. At the end the byte count must equal the
     * declared size and the CRC must match.
     *
     * @return the length and SHA-256 of what was produced
     */
    public Catalog.Digest copy(Entry entry, OutputStream sink, long expectedLength) throws VerificationException, IOException {
        MessageDigest sha = Sha256.newDigest();
        CRC32 crc = new CRC32();
        ChannelSlice compressed = new ChannelSlice(channel, entry.dataOffset(), entry.compressedSize());
        byte[] out = new byte[BUFFER];
        long produced = 0;
        if (entry.method() == STORED) {
            for (int n; (n = compressed.read(out)) > 0; ) {
                produced = account(entry, produced, n, produced + n, expectedLength);
                crc.update(out, 0, n);
                sha.update(out, 0, n);
                sink.write(out, 0, n);
            }
        } else {
            Inflater inflater = new Inflater(true);
            try {
                byte[] in = new byte[BUFFER];
                while (!inflater.finished()) {
                    if (inflater.needsInput()) {
                        int n = compressed.read(in);
                        if (n <= 0) {
                            throw malformed("entry '" + entry.name() + "': its compressed data end before the deflate stream does");
                        }
                        inflater.setInput(in, 0, n);
                    }
                    int n = inflater.inflate(out);
                    if (n == 0 && inflater.needsDictionary()) {
                        throw malformed("entry '" + entry.name() + "' needs a preset dictionary");
                    }
                    if (n > 0) {
                        produced = account(entry, produced, n, inflater.getBytesRead(), expectedLength);
                        crc.update(out, 0, n);
                        sha.update(out, 0, n);
                        sink.write(out, 0, n);
                    }
                }
                if (inflater.getRemaining() > 0 || compressed.remaining() > 0) {
                    throw malformed("entry '" + entry.name() + "' has bytes after the end of its deflate stream");
                }
            } catch (DataFormatException e) {
                throw malformed("entry '" + entry.name() + "' is not valid deflate data: " + e.getMessage());
            } finally {
                inflater.end();
            }
        }
        totalConsumed += entry.compressedSize();
        if (produced != entry.size()) {
            throw new VerificationException(ArchiveEntryLengthMismatch, "entry '" + entry.name() + "' holds " + produced
                    + " bytes but declares " + entry.size());
        }
        if (crc.getValue() != entry.crc()) {
            throw malformed("entry '" + entry.name() + "' fails its CRC check");
        }
        return new Catalog.Digest(produced, Sha256.hex(sha));
    }

    /** Reads a small entry whole (manifests), refusing one longer than {@code maxBytes}. */
    public byte[] read(Entry entry, int maxBytes) throws VerificationException, IOException {
        if (entry.size() > maxBytes) {
            throw new VerificationException(ArchiveEntryLengthMismatch, "entry '" + entry.name() + "' is larger than "
                    + maxBytes + " bytes");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) entry.size());
        copy(entry, out, maxBytes);
        return out.toByteArray();
    }

    private long account(Entry entry, long before, int n, long consumed, long expectedLength) throws VerificationException {
        long produced = before + n;
        if (produced > entry.size()) {
            throw new VerificationException(ArchiveEntryLengthMismatch, "entry '" + entry.name() + "' declares "
                    + entry.size() + " bytes but decompresses to more; stopped reading it");
        }
        if (produced > expectedLength) {
            throw new VerificationException(ArchiveEntryLengthMismatch, "entry '" + entry.name() + "' is longer than the "
                    + expectedLength + " bytes the catalog lists; stopped reading it");
        }
        long total = totalProduced + n;
        if (total > limits.maxTotalBytes()) {
            throw new VerificationException(ArchiveTooLarge, "the archive decompresses to more than "
                    + limits.maxTotalBytes() + " bytes (limit); stopped at entry '" + entry.name() + "'");
        }
        if (produced > limits.ratioGraceBytes() && produced > Math.max(consumed, 1) * limits.maxRatio()) {
            throw new VerificationException(ArchiveRatioTooHigh, "entry '" + entry.name() + "' decompressed " + produced
                    + " bytes from " + consumed + " (more than " + limits.maxRatio() + ":1)");
        }
        long totalIn = totalConsumed + consumed;
        if (total > limits.ratioGraceBytes() && total > Math.max(totalIn, 1) * limits.maxRatio()) {
            throw new VerificationException(ArchiveRatioTooHigh, "the archive decompressed " + total + " bytes from "
                    + totalIn + " (more than " + limits.maxRatio() + ":1)");
        }
        totalProduced = total;
        return produced;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static VerificationException malformed(String message) {
        return new VerificationException(ArchiveMalformed, message);
    }

    /** Reads and cross-checks the end record, the central directory and every local header. */
    private static final class Parser {
        private final FileChannel channel;
        private final ArchiveLimits limits;

        Parser(FileChannel channel, ArchiveLimits limits) {
            this.channel = channel;
            this.limits = limits;
        }

        List<Entry> parse() throws VerificationException, IOException {
            long size = channel.size();
            if (size > limits.maxZipBytes()) {
                throw new VerificationException(ArchiveTooLarge, "the package is " + size + " bytes, more than the limit of "
                        + limits.maxZipBytes());
            }
            if (size < END_HEADER) {
                throw malformed("the file is too short to be a ZIP");
            }
            int tailLength = (int) Math.min(size, END_HEADER + 0xFFFF);
            ByteBuffer tail = read(size - tailLength, tailLength);
            int end = -1;
            for (int i = tailLength - END_HEADER; i >= 0; i--) {
                if (tail.getInt(i) == END_SIG && u16(tail, i + 20) == tailLength - i - END_HEADER) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw malformed("no end-of-central-directory record ends the file (not a ZIP, or data appended to it)");
            }
            long endOffset = size - tailLength + end;
            int disk = u16(tail, end + 4);
            int centralDisk = u16(tail, end + 6);
            int entriesOnDisk = u16(tail, end + 8);
            int entryCount = u16(tail, end + 10);
            long centralSize = u32(tail, end + 12);
            long centralOffset = u32(tail, end + 16);
            if (disk != 0 || centralDisk != 0 || entriesOnDisk != entryCount) {
                throw malformed("multi-volume ZIP archives are not supported");
            }
            if (entryCount == 0xFFFF || centralSize == U32 || centralOffset == U32) {
                throw malformed("ZIP64 archives are not supported (packages are at most 2 GiB with at most "
                        + limits.maxEntries() + " entries)");
            }
            if (entryCount > limits.maxEntries()) {
                throw new VerificationException(ArchiveTooManyEntries, "the archive has " + entryCount
                        + " entries, more than the limit of " + limits.maxEntries());
            }
            if (centralOffset + centralSize != endOffset) {
                throw malformed("the central directory does not end where the end record starts: data are hidden"
                        + " before the end record or prepended to the archive");
            }
            if (centralSize > MAX_CENTRAL_DIRECTORY) {
                throw malformed("the central directory is larger than " + MAX_CENTRAL_DIRECTORY + " bytes");
            }
            List<Central> central = readCentralDirectory(read(centralOffset, (int) centralSize), entryCount);
            checkNames(central);
            return readLocalHeaders(central, centralOffset);
        }

        private List<Central> readCentralDirectory(ByteBuffer cen, int entryCount) throws VerificationException {
            List<Central> out = new ArrayList<>(entryCount);
            int pos = 0;
            for (int i = 0; i < entryCount; i++) {
                if (pos + CEN_HEADER > cen.limit() || cen.getInt(pos) != CEN_SIG) {
                    throw malformed("central directory record " + (i + 1) + " of " + entryCount + " is damaged");
                }
                int flags = u16(cen, pos + 8);
                int method = u16(cen, pos + 10);
                long crc = u32(cen, pos + 16);
                long compressedSize = u32(cen, pos + 20);
                long size = u32(cen, pos + 24);
                int nameLength = u16(cen, pos + 28);
                int extraLength = u16(cen, pos + 30);
                int commentLength = u16(cen, pos + 32);
                int diskStart = u16(cen, pos + 34);
                long externalAttributes = u32(cen, pos + 38);
                long headerOffset = u32(cen, pos + 42);
                int next = pos + CEN_HEADER + nameLength + extraLength + commentLength;
                if (next > cen.limit()) {
                    throw malformed("central directory record " + (i + 1) + " runs past the directory");
                }
                byte[] nameBytes = bytes(cen, pos + CEN_HEADER, nameLength);
                byte[] extra = bytes(cen, pos + CEN_HEADER + nameLength, extraLength);
                String name = decodeName(nameBytes, flags);
                ArchivePaths.check(name);
                Map<Integer, ByteBuffer> extras = extraFields(extra, name, true);
                checkUnicodePath(extras, name);
                if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS)) != 0) {
                    throw malformed("entry '" + name + "' is encrypted");
                }
                if (method != STORED && method != DEFLATED) {
                    throw malformed("entry '" + name + "' uses compression method " + method
                            + "; only stored (0) and deflated (8) are supported");
                }
                if (diskStart != 0) {
                    throw malformed("entry '" + name + "' claims to start on another volume");
                }
                if (size == U32 || compressedSize == U32 || headerOffset == U32) {
                    ByteBuffer zip64 = extras.get(ZIP64_EXTRA);
                    int at = 0;
                    try {
                        if (size == U32) {
                            size = zip64.getLong(at);
                            at += 8;
                        }
                        if (compressedSize == U32) {
                            compressedSize = zip64.getLong(at);
                            at += 8;
                        }
                        if (headerOffset == U32) {
                            headerOffset = zip64.getLong(at);
                        }
                    } catch (NullPointerException | IndexOutOfBoundsException e) {
                        throw malformed("entry '" + name + "' has an incomplete ZIP64 extra field");
                    }
                    if (size < 0 || compressedSize < 0 || headerOffset < 0) {
                        throw malformed("entry '" + name + "' has a negative ZIP64 size or offset");
                    }
                }
                boolean directory = name.endsWith("/");
                int unixMode = (int) (externalAttributes >>> 16);
                int type = unixMode & S_IFMT;
                if (type == S_IFLNK || (externalAttributes & DOS_REPARSE_POINT) != 0) {
                    throw new VerificationException(UnsafeArchiveEntry, "entry '" + name + "' is a symbolic link");
                }
                if (type != 0 && type != S_IFREG && type != S_IFDIR) {
                    throw new VerificationException(UnsafeArchiveEntry, "entry '" + name
                            + "' is a special file (device, pipe or socket)");
                }
                if ((type == S_IFDIR && !directory) || (type == S_IFREG && directory)) {
                    throw malformed("entry '" + name + "' is marked a " + (directory ? "file" : "folder")
                            + " but named like a " + (directory ? "folder" : "file"));
                }
                if (directory && size != 0) {
                    throw malformed("folder entry '" + name + "' has content");
                }
                if (method == STORED && compressedSize != size) {
                    throw malformed("stored entry '" + name + "' declares different compressed and plain sizes");
                }
                boolean executable = !directory && (unixMode & 0100) != 0;
                out.add(new Central(name, nameBytes, flags, method, crc, compressedSize, size, headerOffset,
                        directory, executable));
                pos = next;
            }
            if (pos != cen.limit()) {
                throw malformed("the central directory has " + (cen.limit() - pos) + " bytes after its last record");
            }
            return out;
        }

        /** Unique names, also on case-insensitive and Unicode-normalising file systems; no file is also a folder. */
        private static void checkNames(List<Central> central) throws VerificationException {
            Map<String, String> byKey = new HashMap<>();
            Set<String> files = new HashSet<>();
            for (Central c : central) {
                String key = ArchivePaths.collisionKey(c.name);
                String earlier = byKey.putIfAbsent(key, c.name);
                if (earlier != null) {
                    throw new VerificationException(DuplicateArchiveEntry, earlier.equals(c.name)
                            ? "entry '" + c.name + "' appears twice"
                            : "entries '" + earlier + "' and '" + c.name + "' are the same file on case-insensitive file systems");
                }
                if (!c.directory) {
                    files.add(key);
                }
            }
            for (Central c : central) {
                String key = ArchivePaths.collisionKey(c.name);
                for (int slash = key.indexOf('/'); slash > 0; slash = key.indexOf('/', slash + 1)) {
                    if (files.contains(key.substring(0, slash))) {
                        throw new VerificationException(DuplicateArchiveEntry, "'" + byKey.get(key.substring(0, slash))
                                + "' is a file and also the folder of entry '" + c.name + "'");
                    }
                }
            }
        }

        private List<Entry> readLocalHeaders(List<Central> central, long centralOffset)
                throws VerificationException, IOException {
            List<Central> byOffset = new ArrayList<>(central);
            byOffset.sort(Comparator.comparingLong(c -> c.headerOffset));
            List<Entry> out = new ArrayList<>(central.size());
            long expected = 0;
            for (Central c : byOffset) {
                if (c.headerOffset != expected) {
                    throw malformed(c.headerOffset > expected
                            ? (c.headerOffset - expected) + " bytes before entry '" + c.name + "' belong to no entry:"
                            + " a streaming reader would see content the central directory hides"
                            : "entry '" + c.name + "' overlaps the entry before it");
                }
                if (c.headerOffset + LOC_HEADER > centralOffset) {
                    throw malformed("entry '" + c.name + "' has no room for its local header");
                }
                ByteBuffer loc = read(c.headerOffset, LOC_HEADER);
                if (loc.getInt(0) != LOC_SIG) {
                    throw malformed("entry '" + c.name + "' has no local header where the central directory points");
                }
                int flags = u16(loc, 6);
                int method = u16(loc, 8);
                long crc = u32(loc, 14);
                long compressedSize = u32(loc, 18);
                long size = u32(loc, 22);
                int nameLength = u16(loc, 26);
                int extraLength = u16(loc, 28);
                long dataOffset = c.headerOffset + LOC_HEADER + nameLength + extraLength;
                if (dataOffset > centralOffset) {
                    throw malformed("entry '" + c.name + "' has a local header that runs into the central directory");
                }
                byte[] name = bytes(read(c.headerOffset + LOC_HEADER, nameLength), 0, nameLength);
                Map<Integer, ByteBuffer> extras = extraFields(
                        bytes(read(c.headerOffset + LOC_HEADER + nameLength, extraLength), 0, extraLength), c.name, false);
                checkUnicodePath(extras, c.name);
                if (!java.util.Arrays.equals(name, c.nameBytes)) {
                    throw malformed("entry '" + c.name + "' has another name in its local header: readers would disagree");
                }
                int compared = FLAG_ENCRYPTED | FLAG_DESCRIPTOR | FLAG_UTF8;
                if ((flags & compared) != (c.flags & compared) || method != c.method) {
                    throw malformed("entry '" + c.name + "' has a local header that contradicts the central directory");
                }
                boolean zip64 = extras.containsKey(ZIP64_EXTRA);
                if (zip64 && (size == U32 || compressedSize == U32)) {
                    ByteBuffer z = extras.get(ZIP64_EXTRA);
                    try {
                        size = size == U32 ? z.getLong(0) : size;
                        compressedSize = compressedSize == U32 ? z.getLong(8) : compressedSize;
                    } catch (IndexOutOfBoundsException e) {
                        throw malformed("entry '" + c.name + "' has an incomplete ZIP64 extra field in its local header");
                    }
                }
                boolean descriptor = (flags & FLAG_DESCRIPTOR) != 0;
                if (!descriptor || crc != 0 || compressedSize != 0 || size != 0) {
                    if (crc != c.crc || compressedSize != c.compressedSize || size != c.size) {
                        throw malformed("entry '" + c.name + "' declares other sizes or CRC in its local header"
                                + " than in the central directory: readers would disagree");
                    }
                }
                long dataEnd = dataOffset + c.compressedSize;
                if (dataEnd > centralOffset) {
                    throw malformed("entry '" + c.name + "' has data running into the central directory");
                }
                long entryEnd = descriptor ? checkDescriptor(c, dataEnd, zip64, centralOffset) : dataEnd;
                out.add(new Entry(c.name, c.directory, c.method, c.compressedSize, c.size, c.crc, c.headerOffset,
                        dataOffset, c.executable));
                expected = entryEnd;
            }
            if (expected != centralOffset) {
                throw malformed((centralOffset - expected) + " bytes between the last entry and the central directory"
                        + " belong to no entry: a streaming reader would see content the central directory hides");
            }
            return out;
        }

        private long checkDescriptor(Central c, long at, boolean zip64, long limit) throws VerificationException, IOException {
            int sizeBytes = zip64 ? 8 : 4;
            int available = (int) Math.min(limit - at, 4 + 4 + 2L * sizeBytes);
            if (available < 4 + 2 * sizeBytes) {
                throw malformed("entry '" + c.name + "' has no room for its data descriptor");
            }
            ByteBuffer d = read(at, available);
            int pos = d.getInt(0) == DESCRIPTOR_SIG && available >= 4 + 4 + 2 * sizeBytes ? 4 : 0;
            long crc = u32(d, pos);
            long compressedSize = zip64 ? d.getLong(pos + 4) : u32(d, pos + 4);
            long size = zip64 ? d.getLong(pos + 4 + sizeBytes) : u32(d, pos + 4 + sizeBytes);
            if (crc != c.crc || compressedSize != c.compressedSize || size != c.size) {
                throw malformed("entry '" + c.name + "' has a data descriptor that contradicts the central directory");
            }
            return at + pos + 4 + 2L * sizeBytes;
        }

        private static Map<Integer, ByteBuffer> extraFields(byte[] extra, String name, boolean strict)
                throws VerificationException {
            Map<Integer, ByteBuffer> out = new HashMap<>();
            ByteBuffer b = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
            int pos = 0;
            while (pos + 4 <= extra.length) {
                int id = u16(b, pos);
                int length = u16(b, pos + 2);
                if (pos + 4 + length > extra.length) {
                    if (strict) {
                        throw malformed("entry '" + name + "' has a damaged extra field");
                    }
                    break;
                }
                if (out.put(id, ByteBuffer.wrap(extra, pos + 4, length).slice().order(ByteOrder.LITTLE_ENDIAN)) != null
                        && (id == ZIP64_EXTRA || id == UNICODE_PATH_EXTRA)) {
                    throw malformed("entry '" + name + "' repeats extra field " + id);
                }
                pos += 4 + length;
            }
            if (strict && pos != extra.length) {
                throw malformed("entry '" + name + "' has a damaged extra field");
            }
            return out;
        }

        /** Some tools read the Info-ZIP Unicode path instead of the name: both must say the same. */
        private static void checkUnicodePath(Map<Integer, ByteBuffer> extras, String name) throws VerificationException {
            ByteBuffer unicode = extras.get(UNICODE_PATH_EXTRA);
            if (unicode == null) {
                return;
            }
            String other = unicode.limit() < 5 ? "" : new String(bytes(unicode, 5, unicode.limit() - 5), StandardCharsets.UTF_8);
            if (!other.equals(name)) {
                throw new VerificationException(UnsafeArchiveEntry, "entry '" + name + "' carries a second name '"
                        + ArchivePaths.printable(other) + "' that some ZIP tools use instead");
            }
        }

        private static String decodeName(byte[] bytes, int flags) throws VerificationException {
            if ((flags & FLAG_UTF8) == 0) {
                for (byte b : bytes) {
                    if (b < 0) {
                        throw new VerificationException(UnsafeArchiveEntry, "an entry name is neither marked UTF-8 nor"
                                + " ASCII: ZIP tools would read it differently");
                    }
                }
                return new String(bytes, StandardCharsets.US_ASCII);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new VerificationException(UnsafeArchiveEntry, "an entry name is not valid UTF-8");
            }
        }

        private ByteBuffer read(long position, int length) throws IOException, VerificationException {
            ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw malformed("the archive ends early");
                }
            }
            return buffer.flip();
        }
    }

    /** The central directory's view of one entry, before its local header is checked. */
    private record Central(String name, byte[] nameBytes, int flags, int method, long crc, long compressedSize,
                           long size, long headerOffset, boolean directory, boolean executable) {
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & U32;
    }

    private static byte[] bytes(ByteBuffer b, int at, int length) {
        byte[] out = new byte[length];
        b.get(at, out, 0, length);
        return out;
    }

    /** Exactly {@code length} bytes of the file from {@code start}, read with positional reads. */
    private static final class ChannelSlice {
        private final FileChannel channel;
        private long position;
        private long remaining;

        ChannelSlice(FileChannel channel, long start, long length) {
            this.channel = channel;
            this.position = start;
            this.remaining = length;
        }

        int read(byte[] buffer) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int want = (int) Math.min(buffer.length, remaining);
            int n = channel.read(ByteBuffer.wrap(buffer, 0, want), position);
            if (n < 0) {
                throw new java.io.EOFException("archive ends inside an entry");
            }
            position += n;
            remaining -= n;
            return n;
        }

        long remaining() {
            return remaining;
        }
    }
}

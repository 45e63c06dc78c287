package dev.bulwark.model.catalog;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A plain, deterministic ZIP writer: entries in the order added, every timestamp 1980-01-01 00:00, UTF-8
 * names, Unix modes in the external attributes, sizes and CRC in the local header (no data descriptors).
 * The same input gives the same bytes (for a given zlib). It writes what it is told, unchecked:
 * {@link PackageBuilder} decides what goes into a package, and tests use it to build hostile archives.
 */
public final class ZipWriter implements Closeable {
    public static final int MODE_FILE = 0100644;
    public static final int MODE_EXECUTABLE = 0100755;
    public static final int MODE_DIRECTORY = 0040755;
    public static final int MODE_SYMLINK = 0120777;

    private static final int VERSION_MADE_BY_UNIX = (3 << 8) | 20;
    private static final int VERSION_NEEDED = 20;
    private static final int DOS_TIME = 0;
    private static final int DOS_DATE = (1 << 5) | 1; // 1980-01-01
    private static final int DOS_DIRECTORY = 0x10;
    private static final long U32 = 0xFFFFFFFFL;

    private final CountingStream out;
    private final List<byte[]> central = new ArrayList<>();
    private boolean closed;

    public ZipWriter(OutputStream out) {
        this.out = new CountingStream(out);
    }

    /** Adds an entry from memory; {@code method} is {@link ZipArchive#STORED} or {@link ZipArchive#DEFLATED}. */
    public void add(String name, byte[] data, int method, int unixMode) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        byte[] stored = data;
        if (method == ZipArchive.DEFLATED) {
            ByteArrayOutputStream deflated = new ByteArrayOutputStream();
            deflate(new java.io.ByteArrayInputStream(data), deflated, new CRC32());
            stored = deflated.toByteArray();
        } else if (method != ZipArchive.STORED) {
            throw new IllegalArgumentException("method " + method);
        }
        writeEntry(name, method, crc.getValue(), stored.length, data.length, unixMode);
        out.write(stored);
    }

    /** Adds a file, deflated. Reads it twice (sizes first) so no data descriptor is needed. */
    public void addFile(String name, Path file, int unixMode) throws IOException {
        CRC32 crc = new CRC32();
        CountingStream sizing = new CountingStream(OutputStream.nullOutputStream());
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = deflate(in, sizing, crc);
        }
        long compressedSize = sizing.count;
        writeEntry(name, ZipArchive.DEFLATED, crc.getValue(), compressedSize, size, unixMode);
        long before = out.count;
        CRC32 again = new CRC32();
        try (InputStream in = Files.newInputStream(file)) {
            deflate(in, out, again);
        }
        if (out.count - before != compressedSize || again.getValue() != crc.getValue()) {
            throw new IOException(file + " changed while it was being packed");
        }
    }

    private void writeEntry(String name, int method, long crc, long compressedSize, long size, int unixMode)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (compressedSize >= U32 || size >= U32 || out.count >= U32) {
            throw new IOException("'" + name + "' does not fit a ZIP without ZIP64 (4 GiB)");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long headerOffset = out.count;
        ByteBuffer local = le(ZipArchive.LOC_HEADER + nameBytes.length);
        local.putInt(ZipArchive.LOC_SIG).putShort((short) VERSION_NEEDED).putShort((short) ZipArchive.FLAG_UTF8)
                .putShort((short) method).putShort((short) DOS_TIME).putShort((short) DOS_DATE)
                .putInt((int) crc).putInt((int) compressedSize).putInt((int) size)
                .putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
        out.write(local.array());
        int dosAttributes = (unixMode & ZipArchive.S_IFMT) == ZipArchive.S_IFDIR ? DOS_DIRECTORY : 0;
        ByteBuffer cen = le(ZipArchive.CEN_HEADER + nameBytes.length);
        cen.putInt(ZipArchive.CEN_SIG).putShort((short) VERSION_MADE_BY_UNIX).putShort((short) VERSION_NEEDED)
                .putShort((short) ZipArchive.FLAG_UTF8).putShort((short) method)
                .putShort((short) DOS_TIME).putShort((short) DOS_DATE)
                .putInt((int) crc).putInt((int) compressedSize).putInt((int) size)
                .putShort((short) nameBytes.length).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt((unixMode << 16) | dosAttributes)
                .putInt((int) headerOffset).put(nameBytes);
        central.add(cen.array());
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (central.size() >= 0xFFFF) {
            throw new IOException("too many entries for a ZIP without ZIP64");
        }
        long centralOffset = out.count;
        for (byte[] record : central) {
            out.write(record);
        }
        long centralSize = out.count - centralOffset;
        ByteBuffer end = le(ZipArchive.END_HEADER);
        end.putInt(ZipArchive.END_SIG).putShort((short) 0).putShort((short) 0)
                .putShort((short) central.size()).putShort((short) central.size())
                .putInt((int) centralSize).putInt((int) centralOffset).putShort((short) 0);
        out.write(end.array());
        out.close();
    }

    private static long deflate(InputStream in, OutputStream sink, CRC32 crc) throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            byte[] input = new byte[64 * 1024];
            byte[] output = new byte[64 * 1024];
            long size = 0;
            for (int n; (n = in.read(input)) > 0; ) {
                crc.update(input, 0, n);
                size += n;
                deflater.setInput(input, 0, n);
                while (!deflater.needsInput()) {
                    int m = deflater.deflate(output);
                    sink.write(output, 0, m);
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                int m = deflater.deflate(output);
                sink.write(output, 0, m);
            }
            return size;
        } finally {
            deflater.end();
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}

package dev.bulwark.model.catalog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Byte-level edits of a ZIP, for archives no well-behaved writer produces. Offsets per APPNOTE 4.3.7 / 4.3.12. */
final class ZipSurgery {
    static final int LOCAL_FLAGS = 6;
    static final int LOCAL_CRC = 14;
    static final int LOCAL_SIZE = 22;
    static final int CEN_FLAGS = 8;
    static final int CEN_METHOD = 10;
    static final int CEN_CRC = 16;
    static final int CEN_SIZE = 24;
    static final int CEN_EXTERNAL = 38;

    byte[] bytes;

    ZipSurgery(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    int endOffset() {
        for (int i = bytes.length - 22; i >= 0; i--) {
            if (le().getInt(i) == 0x06054b50) {
                return i;
            }
        }
        throw new IllegalStateException("no end record");
    }

    int centralOffset() {
        return le().getInt(endOffset() + 16);
    }

    /** Position of the central record of the {@code index}-th entry. */
    int cen(int index) {
        int pos = centralOffset();
        for (int i = 0; i < index; i++) {
            ByteBuffer b = le();
            pos += 46 + (b.getShort(pos + 28) & 0xffff) + (b.getShort(pos + 30) & 0xffff) + (b.getShort(pos + 32) & 0xffff);
        }
        return pos;
    }

    int local(int index) {
        return le().getInt(cen(index) + 42);
    }

    ZipSurgery putInt(int at, int value) {
        le().putInt(at, value);
        return this;
    }

    ZipSurgery putShort(int at, int value) {
        le().putShort(at, (short) value);
        return this;
    }

    /** Inserts bytes at {@code at}, moving every offset behind it so the archive stays readable by lenient tools. */
    ZipSurgery insert(int at, byte[] data) {
        int entries = le().getShort(endOffset() + 10) & 0xffff;
        int[] cenPositions = new int[entries];
        for (int i = 0; i < entries; i++) {
            cenPositions[i] = cen(i);
        }
        int centralOffset = centralOffset();
        int end = endOffset();
        byte[] out = new byte[bytes.length + data.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(data, 0, out, at, data.length);
        System.arraycopy(bytes, at, out, at + data.length, bytes.length - at);
        bytes = out;
        ByteBuffer b = le();
        for (int p : cenPositions) {
            int moved = p >= at ? p + data.length : p;
            int local = b.getInt(moved + 42);
            if (local >= at) {
                b.putInt(moved + 42, local + data.length);
            }
        }
        int newEnd = end >= at ? end + data.length : end;
        if (centralOffset >= at) {
            b.putInt(newEnd + 16, centralOffset + data.length);
        }
        return this;
    }

    ZipSurgery append(String text) {
        byte[] extra = text.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[bytes.length + extra.length];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        System.arraycopy(extra, 0, out, bytes.length, extra.length);
        bytes = out;
        return this;
    }
}

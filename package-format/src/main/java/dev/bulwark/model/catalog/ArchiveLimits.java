package dev.bulwark.model.catalog;

/**
 * Local limits on a package archive, counted on the bytes actually read (never on sizes the archive declares).
 *
 * @param maxZipBytes     largest ZIP accepted (Arc: packages up to 2 GB)
 * @param maxTotalBytes   most bytes all entries may decompress to, together
 * @param maxEntries      most entries (files and folders)
 * @param maxRatio        most decompressed bytes per compressed byte, per entry and for the whole archive
 * @param ratioGraceBytes output below which the ratio is not checked (small, very compressible files are normal)
 */
public record ArchiveLimits(long maxZipBytes, long maxTotalBytes, int maxEntries, int maxRatio, long ratioGraceBytes) {

    public static final ArchiveLimits DEFAULTS =
            new ArchiveLimits(2L << 30, 8L << 30, 10_000, 200, 1L << 20);

    public ArchiveLimits {
        if (maxZipBytes < 1 || maxTotalBytes < 0 || maxEntries < 0 || maxRatio < 1 || ratioGraceBytes < 0) {
            throw new IllegalArgumentException("archive limits must be positive");
        }
    }
}

package dev.bulwark.model.catalog;

/**
 * Why a package or its catalog was refused. Reported as the reason of an operation that failed with
 * {@link dev.bulwark.model.ErrorCode#PackageVerificationFailed}, and as {@code reason} by
 * {@code bulwark-agent package verify --json}. Stable: scripts and alerts match on the names.
 * The threat model in {@code docs/catalog-and-threat-model.md} says which attack each one stops.
 */
public enum VerificationFailure {
    // The operation itself (checked before anything is downloaded).
    /** An install or upgrade without a package or catalog URL (http or https) or a version: packages are required. */
    PackageReferenceMissing,

    // The catalog (checked before the package is opened).
    /** Not JSON, duplicate keys, trailing bytes, missing or invalid fields, unsupported schemaVersion. */
    CatalogMalformed,
    /** Unsigned, or a signature by a trusted key that does not verify (the catalog was changed). */
    CatalogSignatureInvalid,
    /** No signature by a key this machine trusts (unknown signer, or no trusted keys configured). */
    CatalogKeyUntrusted,
    /** The catalog's {@code expires} is not after this machine's clock (freeze attack). */
    CatalogExpired,
    /** Older than the highest catalog version this machine accepted, or than the operation requires. */
    CatalogRollback,
    /** Same version as the one accepted before, different signed content. */
    CatalogVersionConflict,
    /** The local record of accepted catalog versions cannot be read: fail closed. */
    CatalogHistoryUnreadable,
    /** A trusted-key file or the trust folder is unreadable or writable by others: fail closed. */
    TrustStoreInvalid,

    // The downloaded ZIP as a whole (checked before it is opened).
    /** This publisher/type/version is not listed in the catalog. */
    PackageNotInCatalog,
    /** The download failed on every attempt (network errors, HTTP errors, stalls, timeouts). */
    DownloadFailed,
    /** The server sent, or announced, more bytes than the catalog length. */
    DownloadTooLarge,
    /** The ZIP's length differs from the catalog's. */
    PackageLengthMismatch,
    /** The ZIP's SHA-256 differs from the catalog's. */
    PackageHashMismatch,

    // The archive structure and its entries (checked while extracting).
    /** Absolute path, {@code ..}, backslash, drive letter, control character, symbolic link or device entry. */
    UnsafeArchiveEntry,
    /** Two entries with the same name, also after case folding, or a name that is both a file and a folder. */
    DuplicateArchiveEntry,
    /** Not a ZIP Bulwark accepts: bad records, data hidden outside the entries, encryption, CRC errors. */
    ArchiveMalformed,
    /** An entry that the catalog does not list. */
    ArchiveEntryNotInCatalog,
    /** A file the catalog lists is not in the archive. */
    ArchiveEntryMissing,
    /** An entry holds more or fewer bytes than declared or listed (counted on the bytes read). */
    ArchiveEntryLengthMismatch,
    /** An entry's SHA-256 differs from the catalog's. */
    ArchiveEntryHashMismatch,
    /** The package or its content is larger than the local limit. */
    ArchiveTooLarge,
    /** More entries than the local limit. */
    ArchiveTooManyEntries,
    /** Decompression produced far more bytes than it read (zip bomb). */
    ArchiveRatioTooHigh,
    /**
     * A verified package file changed (or went missing) between verification and a handler command that
     * would have run it: the agent hashes the files again before every command.
     */
    PackageModifiedAfterVerification,
    /** Writing the verified files failed (disk full, permissions); nothing was left extracted. */
    ExtractionFailed,

    // Package content rules (publishing, and after extraction on the agent).
    /** {@code HandlerManifest.json} is missing or invalid. */
    HandlerManifestInvalid,
    /** {@code BulwarkPackage.json} is missing, invalid or names another publisher/type/version. */
    PackageIdentityInvalid,
    /** The malware scan found something (publishing only). */
    MalwareDetected,
    /** The malware scan could not complete (publishing only): fail closed. */
    MalwareScanFailed
}

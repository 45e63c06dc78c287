package dev.bulwark.cloud.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The storage account packages and the signed catalog live in ({@link StorageObjects} names them). Agents
 * download from it over HTTP ({@link StorageServer}); nothing in it is trusted by them without the catalog's
 * signature, so storage needs integrity for availability only.
 */
public interface PackageStorage {

    /** A stored object ready to be sent: the file holding it and its length. */
    record StoredObject(Path file, long length) {
    }

    /**
     * A new empty temporary file on the storage's own file system, for an upload on its way in: storing it
     * later is then a rename. The caller deletes it if it is not stored.
     */
    Path createTempFile() throws IOException;

    /** Moves {@code source} into place as {@code object}; readers see the old object or the new one, never a part. */
    void store(String object, Path source) throws IOException;

    /** Writes {@code content} as {@code object}, atomically as {@link #store(String, Path)}. */
    void store(String object, byte[] content) throws IOException;

    /** @return whether there was an object to delete */
    boolean delete(String object) throws IOException;

    /** The object if it exists; empty for a name that is not an object name. */
    Optional<StoredObject> find(String object);
}

-- Published extension packages and the signed catalogs that list them.

-- One row per published package version. Versions are immutable: the same publisher/type/version can
-- only be published again with identical bytes, because catalogs and machines remember its hashes.
-- Publisher and type match case-insensitively (ExtensionId), the version exactly (catalog rule).
CREATE TABLE package_version (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,   -- publishing order
    publisher_key    text        NOT NULL,   -- lower(publisher)
    type_key         text        NOT NULL,   -- lower(type)
    version          text        NOT NULL,
    publisher        text        NOT NULL,   -- as published: the spelling in URLs and catalogs
    type             text        NOT NULL,
    sha256           text        NOT NULL,   -- of the ZIP, lower-case hex
    length           bigint      NOT NULL,   -- of the ZIP, bytes
    files            text        NOT NULL,   -- JSON [{path, length, sha256}]: the catalog entry's file listing
    storage_object   text        NOT NULL,   -- packages/{publisher}/{type}/{version}.zip in package storage
    published_at     timestamptz NOT NULL,
    catalog_version  bigint      NOT NULL,   -- the first catalog version that lists it
    CONSTRAINT package_version_identity UNIQUE (publisher_key, type_key, version)
);

-- Every catalog version ever issued, exactly as served. The primary key is what guarantees that no
-- version is issued twice with different content (agents refuse that: CatalogVersionConflict); issuers
-- also serialize on an advisory lock, so concurrent publishes never even race for a version.
CREATE TABLE catalog_version (
    version         bigint      PRIMARY KEY CHECK (version >= 1),
    issued_at       timestamptz NOT NULL,
    expires         timestamptz NOT NULL,
    key_id          text        NOT NULL,   -- catalog signing key (TrustedKeys.keyId)
    package_count   integer     NOT NULL,
    content_sha256  text        NOT NULL,   -- SHA-256 of content (the file), lower-case hex
    content         bytea       NOT NULL,   -- the signed catalog file
    -- When storage started serving it. Operations name the newest served version, never one agents
    -- cannot download yet (a version is recorded first, then written to storage after the commit).
    served_at       timestamptz
);

package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An issued catalog version's metadata (read side). The signed file itself ({@code content}) is left
 * unmapped: the API shows metadata, storage serves the file.
 */
@Entity
@Table(name = "catalog_version")
public class CatalogVersionEntity {
    @Id
    public Long version;
    @Column(name = "issued_at")
    public Instant issuedAt;
    public Instant expires;
    @Column(name = "key_id")
    public String keyId;
    @Column(name = "package_count")
    public int packageCount;
    @Column(name = "content_sha256")
    public String contentSha256;
    /** When storage started serving it; null for a version recorded but not yet written out. */
    @Column(name = "served_at")
    public Instant servedAt;
}

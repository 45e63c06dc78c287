package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A published package version (read side; {@code CatalogStore} writes it together with a catalog version). */
@Entity
@Table(name = "package_version")
public class PackageVersionEntity {
    @Id
    public Long id;
    @Column(name = "publisher_key")
    public String publisherKey;
    @Column(name = "type_key")
    public String typeKey;
    public String version;
    public String publisher;
    public String type;
    public String sha256;
    public long length;
    /** JSON list of the files in the ZIP, as the catalog lists them. */
    public String files;
    @Column(name = "storage_object")
    public String storageObject;
    @Column(name = "published_at")
    public Instant publishedAt;
    @Column(name = "catalog_version")
    public long catalogVersion;
}

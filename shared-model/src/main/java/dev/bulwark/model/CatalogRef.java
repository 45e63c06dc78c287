package dev.bulwark.model;

/** Where an agent downloads the signed catalog that vouches for a package, and its version at issue time. */
public record CatalogRef(String url, long version) {
}

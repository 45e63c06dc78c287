package dev.bulwark.model.catalog;

import dev.bulwark.model.ExtensionId;

/**
 * A catalog whose signature verified against a trusted key and whose structure is valid. Expiry and
 * rollback are checked against a clock and a machine's history by the caller ({@link CatalogVerifier#checkFresh}).
 *
 * @param contentSha256 SHA-256 of the signed bytes: equal versions must have equal content digests
 * @param keyId         the trusted key whose signature verified
 */
public record VerifiedCatalog(Catalog catalog, String contentSha256, String keyId) {

    public long version() {
        return catalog.catalogVersion();
    }

    public Catalog.PackageEntry require(ExtensionId extension, String version) throws VerificationException {
        return catalog.find(extension, version).orElseThrow(() -> new VerificationException(
                VerificationFailure.PackageNotInCatalog, extension + " " + version
                + " is not listed in catalog version " + catalog.catalogVersion()));
    }
}

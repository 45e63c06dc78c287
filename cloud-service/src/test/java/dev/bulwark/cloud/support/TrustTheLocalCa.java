package dev.bulwark.cloud.support;

import dev.bulwark.infra.BulwarkInfraResource;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.config.SSLConfig;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * The application under test serves https only (as the cloud does by default), with a certificate of the
 * local CA that {@link BulwarkInfraResource} made; Quarkus points RestAssured at its https port. This makes
 * RestAssured trust that CA, and only it, before each test (Quarkus restores RestAssured's settings after).
 */
public final class TrustTheLocalCa implements QuarkusTestBeforeEachCallback {
    private static final KeyStore TRUST_STORE = trustStore();

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.config = RestAssured.config().sslConfig(SSLConfig.sslConfig().trustStore(TRUST_STORE));
    }

    private static KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : BulwarkInfraResource.pki().trust().certificates()) {
                store.setCertificateEntry("local-ca-" + i++, ca);
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the local CA", e);
        }
    }
}

package dev.bulwark.cloud.support;

import dev.bulwark.infra.BulwarkInfraResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Registers the real Kafka broker and PostgreSQL of dev-infra for every {@code @QuarkusTest} of this module
 * (global scope: one application start for the whole run).
 */
@WithTestResource(value = BulwarkInfraResource.class, scope = TestResourceScope.GLOBAL)
public final class RealInfrastructure {
    private RealInfrastructure() {
    }
}

package dev.bulwark.cloud.messaging;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/**
 * Consumers retry work that fails for reasons outside the record (database or broker unavailable) with
 * back-off: a restarting or failing-over server must not cost records, and everything retried is
 * idempotent (projection) or harmless to repeat (a duplicate dead letter). After about two minutes the
 * batch fails, the channel stops and health reports it, rather than skipping records silently.
 */
final class Retries {
    private Retries() {
    }

    static <T> Uni<T> onTransientFailure(Uni<T> work) {
        // A record whose content the database refuses fails the same way every time: never retried.
        return work.onFailure(error -> !Projections.refusesTheContent(error)).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(15);
    }
}

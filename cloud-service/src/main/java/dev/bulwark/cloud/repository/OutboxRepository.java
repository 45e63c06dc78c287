package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.OutboxMessageEntity;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/** The write side of the outbox (in the request's transaction); {@link OutboxRelayRepository} drains it. */
@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxMessageEntity, Long> {
}

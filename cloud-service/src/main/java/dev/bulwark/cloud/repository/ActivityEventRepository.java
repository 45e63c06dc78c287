package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.repository.entity.ActivityEventEntity;
import dev.bulwark.cloud.service.ActivityFilter;
import dev.bulwark.cloud.service.PageCursor;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;

/** Activity-log pages, newest first, read by keyset on (eventTimestamp, id) over the activity_event_* indexes. */
@ApplicationScoped
public class ActivityEventRepository implements PanacheRepositoryBase<ActivityEventEntity, Long> {

    public Uni<List<ActivityEventEntity>> page(String subscriptionId, ActivityFilter filter, PageCursor after, int limit) {
        StringBuilder where = new StringBuilder("subscriptionId = :subscription");
        Parameters params = Parameters.with("subscription", subscriptionId);
        if (filter.from() != null) {
            where.append(" and eventTimestamp >= :from");
            params.and("from", filter.from());
        }
        if (filter.to() != null) {
            where.append(" and eventTimestamp <= :to");
            params.and("to", filter.to());
        }
        if (filter.resourceGroupName() != null) {
            where.append(" and lower(resourceGroup) = :group");
            params.and("group", filter.resourceGroupName().toLowerCase(Locale.ROOT));
        }
        if (filter.resourceUri() != null) {
            where.append(" and resourceId = :resource");
            params.and("resource", filter.resourceUri().toLowerCase(Locale.ROOT));
        }
        if (filter.correlationId() != null) {
            where.append(" and correlationId = :correlation");
            params.and("correlation", filter.correlationId());
        }
        if (filter.status() != null) {
            where.append(" and lower(status) = :status");
            params.and("status", filter.status().toLowerCase(Locale.ROOT));
        }
        if (after != null) {
            // The first condition bounds the index range scan; the second skips the events already returned.
            where.append(" and eventTimestamp <= :afterTime and (eventTimestamp < :afterTime or id < :afterId)");
            params.and("afterTime", after.eventTimestamp()).and("afterId", after.id());
        }
        return find(where.toString(), Sort.descending("eventTimestamp", "id"), params).page(0, limit).list();
    }
}

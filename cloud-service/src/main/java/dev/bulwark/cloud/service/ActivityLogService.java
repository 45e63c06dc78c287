package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Reads the activity log a page at a time, newest first. */
@ApplicationScoped
public class ActivityLogService {
    @Inject
    ActivityEventRepository events;

    /** {@code next} is null on the last page. */
    public record Page(List<ActivityEventRow> events, PageCursor next) {
    }

    /** @param within null for the whole subscription, else the only scopes whose events are listed */
    public Uni<Page> page(String subscriptionId, ActivityFilter filter, PageCursor after, int size, List<String> within) {
        // One row more than asked tells whether another page exists without a count query.
        return events.page(subscriptionId, filter, after, size + 1, within).map(found -> {
            if (found.size() <= size) {
                return new Page(found, null);
            }
            List<ActivityEventRow> page = found.subList(0, size);
            ActivityEventRow last = page.get(size - 1);
            return new Page(page, new PageCursor(last.eventTimestamp(), last.id()));
        });
    }
}

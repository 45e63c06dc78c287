package dev.bulwark.cloud.service;

import dev.bulwark.cloud.config.RetentionConfig;
import dev.bulwark.cloud.messaging.Wakeable;
import dev.bulwark.cloud.repository.ActivityEventRepository;
import dev.bulwark.cloud.repository.OperationRepository;
import dev.bulwark.cloud.repository.OperationRepository.PruneCursor;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes history older than its retention ({@link RetentionConfig}, 90 days by default as on Azure): activity
 * log events by {@code event_timestamp}, and finished operations by the time they ended. Runs at start and then
 * every {@code bulwark.retention.interval}, as a {@link Wakeable} loop: each step deletes one batch of each table
 * ({@code bulwark.retention.batch-size} rows, one short statement each, over an index range from the oldest row)
 * and the next step follows at once until no batch is full. Everything is reactive SQL on Vert.x timers, so the
 * pruner never holds a thread, an event loop least of all. Replicas may prune at the same time: each skips the
 * events the other has locked, and an operation deleted twice is deleted once.
 *
 * <h2>Why pruning operations keeps results exactly-once</h2>
 * The results projection once kept a {@code processed_result} table of applied operation ids; since V4 the
 * claim is the operation row itself: {@link OperationRepository#finish} applies a result only by moving its
 * operation out of InProgress, and a redelivered result finds it final and changes nothing. Deleting operations
 * keeps that guarantee because only operations that can never be claimed again go:
 * <ul>
 * <li>An operation still InProgress is never deleted, however old: its result has not been applied yet, and
 *     deleting it would lose that result, not duplicate it.</li>
 * <li>A finished operation's result has been applied exactly once already. When its row is gone, a redelivered
 *     result matches no row in {@code finish}, so it is not claimed, and {@code ResultProjector} ignores it as an
 *     unknown operation (logged): no second outcome event, no change to the extension or the rollout. Operation
 *     ids are random UUIDs that are never issued again, so a deleted id cannot come back as a new operation.</li>
 * <li>The latest operation of an existing extension is kept: the extension's state, reconciliation (which reads
 *     the extension with its latest operation) and any late result of an older operation are checked against
 *     {@code last_operation_id}. Older operations of the extension are only history.</li>
 * </ul>
 * What a deleted operation does lose is its {@code operationstatus}: polling it answers 404, as Azure's async
 * operations also expire. Its activity events are deleted after the activity log's own retention.
 */
@ApplicationScoped
public class RetentionPruner {
    private static final Logger LOG = Logger.getLogger(RetentionPruner.class);

    @Inject
    RetentionConfig config;
    @Inject
    ActivityEventRepository events;
    @Inject
    OperationRepository operations;
    @Inject
    Clock clock;
    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry metrics;

    private Wakeable loop;
    // State of the run in progress; the loop runs one step at a time.
    private volatile PruneCursor operationCursor;
    private volatile long eventsDeleted;
    private volatile long operationsDeleted;

    /** One batch of each table. */
    public record Batch(int eventsDeleted, OperationRepository.Pruned operations, boolean more) {
    }

    void start(@Observes StartupEvent started) {
        if (config.batchSize() < 1 || !positive(config.activityLog()) || !positive(config.operations())
                || !positive(config.interval())) {
            throw new IllegalStateException("bulwark.retention.activity-log, .operations and .interval must be positive"
                    + " durations and .batch-size at least 1");
        }
        loop = new Wakeable("retention pruner", vertx, this::step, config.interval(), LOG);
        loop.start();
        loop.wake(); // a cloud restarted more often than the interval still prunes
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static String readable(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 ? duration.toDays() + " days" : duration.toString();
    }

    /** Asks for a run soon (it reads the time from the clock when it runs). */
    public void wake() {
        if (loop != null) {
            loop.wake();
        }
    }

    private Uni<Boolean> step() {
        return pruneBatch(clock.instant(), operationCursor).map(batch -> {
            eventsDeleted += batch.eventsDeleted();
            operationsDeleted += batch.operations().deleted();
            if (batch.more()) {
                operationCursor = batch.operations().next();
                return true;
            }
            if (eventsDeleted + operationsDeleted > 0) {
                LOG.infof("Retention: deleted %d activity events older than %s and %d operations that ended more than %s ago",
                        eventsDeleted, readable(config.activityLog()), operationsDeleted, readable(config.operations()));
            }
            endRun();
            return false;
        }).onFailure().invoke(this::endRun); // Wakeable logs it; the next run starts afresh
    }

    private void endRun() {
        operationCursor = null; // the next run starts from the oldest again
        eventsDeleted = 0;
        operationsDeleted = 0;
    }

    /**
     * Deletes one batch of activity events older than the activity log's retention at {@code now}, and examines one
     * batch of operations that started before the operations' retention, after {@code after} (null: from the
     * oldest), deleting the finished ones. {@link Batch#more()}: either batch was full, so call again with
     * {@code operations().next()}.
     */
    public Uni<Batch> pruneBatch(Instant now, PruneCursor after) {
        int limit = config.batchSize();
        return events.deleteOlderThan(now.minus(config.activityLog()), limit)
                .chain(deletedEvents -> operations.deleteFinishedBefore(now.minus(config.operations()), after, limit)
                        .map(pruned -> {
                            metrics.counter("bulwark.retention.deleted", "table", "activity_event").increment(deletedEvents);
                            metrics.counter("bulwark.retention.deleted", "table", "operation").increment(pruned.deleted());
                            return new Batch(deletedEvents, pruned, deletedEvents == limit || pruned.scanned() == limit);
                        }));
    }

    /** Before the database pool closes: a batch in flight commits or rolls back (a short statement). */
    void stop(@Observes ShutdownEvent stopping) {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(2));
        }
    }
}

package dev.bulwark.cloud.messaging;

import dev.bulwark.model.DeadLetter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Projects a verified batch so that one record the database refuses for its content (a text with a NUL
 * character, a time out of range: SQLSTATE class 22) cannot stop the consumer: the batch is tried whole, and
 * on such a refusal again record by record, setting aside ({@link DeadLetter.Reason#Unprojectable}) only the
 * records that are refused. Failures from outside the record (database away) are retried as before
 * ({@link Retries}); the projection is idempotent, so projecting the good records of a failed batch again is
 * safe.
 */
final class Projections {
    private static final Logger LOG = Logger.getLogger(Projections.class);

    private Projections() {
    }

    static <T> Uni<List<Rejected>> isolating(List<Verified<T>> batch, Function<List<Verified<T>>, Uni<List<Rejected>>> project) {
        return Retries.onTransientFailure(project.apply(batch))
                .onFailure(Projections::refusesTheContent).recoverWithUni(refused -> {
                    LOG.warnf("A batch of %d records could not be projected (%s); projecting them one by one", batch.size(),
                            describe(refused));
                    return Multi.createFrom().iterable(batch)
                            .onItem().transformToUniAndConcatenate(record -> Retries.onTransientFailure(project.apply(List.of(record)))
                                    .onFailure(Projections::refusesTheContent).recoverWithItem(error -> List.of(new Rejected(
                                            record.record(), DeadLetter.Reason.Unprojectable, "the database refused its content: "
                                            + describe(error)))))
                            .collect().in(ArrayList::new, List::addAll);
                });
    }

    /** A refusal no retry can change: the record's own data. */
    static boolean refusesTheContent(Throwable error) {
        return error instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")
                || error instanceof DateTimeException || error instanceof ArithmeticException;
    }

    private static String describe(Throwable error) {
        return error instanceof PgException pg ? "SQLSTATE " + pg.getSqlState() + ", " + pg.getErrorMessage()
                : error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}

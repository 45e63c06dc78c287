package dev.bulwark.cloud.messaging;

import dev.bulwark.model.DeadLetter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Sets aside ({@link DeadLetter.Reason#Unprojectable}) verified records whose time is later than the cloud's clock
 * plus {@code bulwark.cloud.clock-skew}. The projections keep the newest report of a machine (or of an
 * assignment) by that time, so one record from the future, kept, would hide every later one until the clock
 * caught up with it: years, for a machine whose clock once said 9999.
 */
final class FutureTimes {
    private FutureTimes() {
    }

    /** The records of {@code batch} whose {@code time} is not too far ahead; the others are added to {@code setAside}. */
    static <T> List<Verified<T>> notAhead(List<Verified<T>> batch, Function<T, Instant> time, String field, Duration skew,
                                          Instant now, List<Rejected> setAside) {
        Instant latest = now.plus(skew);
        List<Verified<T>> kept = new ArrayList<>(batch.size());
        for (Verified<T> verified : batch) {
            Instant at = time.apply(verified.message());
            if (at.isAfter(latest)) {
                setAside.add(new Rejected(verified.record(), DeadLetter.Reason.Unprojectable, field + " " + at
                        + " is more than " + skew + " after the cloud's clock (" + now + ", bulwark.cloud.clock-skew): kept,"
                        + " it would hide every later report until then. Check the machine's clock."));
            } else {
                kept.add(verified);
            }
        }
        return kept;
    }
}

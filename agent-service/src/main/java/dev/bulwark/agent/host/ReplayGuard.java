package dev.bulwark.agent.host;

import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionOperation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Refuses a genuine, cloud-signed operation that must not run whatever it asks: one whose sequence is not
 * newer than the highest the machine has run (a captured operation sent again, or one that arrived after a
 * newer one), and one issued outside the freshness window of the machine's own clock (older than
 * {@code maxAge}, or later than {@code clockSkew} ahead). The window is a local setting: nothing the cloud
 * sends can widen it.
 *
 * <p>A redelivery of an operation the machine ran is not a replay: it is answered with its stored result
 * before this check, so at-least-once delivery keeps working.
 */
public final class ReplayGuard {
    /** Why an operation was refused: the error code of its Failed result, a sentence, and a short status. */
    public record Refusal(ErrorCode errorCode, String message, String statusMessage) {
    }

    private final Duration maxAge;
    private final Duration clockSkew;

    public ReplayGuard(Duration maxAge, Duration clockSkew) {
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        if (maxAge.isNegative() || maxAge.isZero() || clockSkew.isNegative()) {
            throw new IllegalArgumentException("the operation window needs a positive maximum age and a clock skew"
                    + " allowance of zero or more (" + maxAge + ", " + clockSkew + ")");
        }
    }

    /** Why {@code operation} must not run on a machine that has run up to {@code highestRun}, or null when it may. */
    public Refusal check(ExtensionOperation operation, long highestRun, Instant now) {
        String refused = "The " + operation.kind().cliName() + " of extension " + operation.extension().name() + " (operation "
                + operation.operationId() + ") was not run: ";
        if (operation.sequence() <= highestRun) {
            return new Refusal(ErrorCode.OperationReplayed, refused + "its sequence " + operation.sequence()
                    + " is not newer than " + highestRun + ", the highest this machine has run. It is a replay, or it"
                    + " arrived after a newer operation; send the request again if it is still wanted.",
                    "Refused: not newer than the last operation run");
        }
        Instant issued = operation.issuedAt();
        if (issued.isBefore(now.minus(maxAge))) {
            return new Refusal(ErrorCode.OperationExpired, refused + "it was issued at " + issued + ", more than "
                    + maxAge + " before this machine's clock (" + now + "), the oldest it accepts"
                    + " (bulwark.agent.operation-max-age). Send the request again.", "Refused: the operation expired");
        }
        if (issued.isAfter(now.plus(clockSkew))) {
            return new Refusal(ErrorCode.OperationNotYetValid, refused + "it claims to be issued at " + issued
                    + ", more than " + clockSkew + " after this machine's clock (" + now + ")"
                    + " (bulwark.agent.operation-clock-skew). Check the clocks of the cloud and of this machine.",
                    "Refused: issued in the future");
        }
        return null;
    }
}

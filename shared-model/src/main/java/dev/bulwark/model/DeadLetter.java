package dev.bulwark.model;

/**
 * Headers put on a record sent to a {@code <topic>.dlq} topic, so an operator can tell why it
 * was refused and where it came from. The original key, value and headers are kept byte for byte
 * ({@link DeadLetterRecords} builds them, for the cloud and the agent).
 */
public final class DeadLetter {
    public static final String REASON = "bulwark-dlq-reason";
    public static final String DETAIL = "bulwark-dlq-detail";
    public static final String SOURCE_TOPIC = "bulwark-dlq-source-topic";
    public static final String SOURCE_PARTITION = "bulwark-dlq-source-partition";
    public static final String SOURCE_OFFSET = "bulwark-dlq-source-offset";
    /** With {@link Reason#OperationRefused}: the {@link ErrorCode} of the refusal, also in the result the machine published. */
    public static final String ERROR_CODE = "bulwark-dlq-error-code";

    /** Why a record was dead-lettered; the header value is the enum name. */
    public enum Reason {
        /** Not JSON, or JSON that does not match the message schema. */
        MalformedMessage,
        /** A {@code schemaVersion} newer than this build reads (older ones are read: {@link Json#checkSchemaVersion}). */
        UnsupportedSchemaVersion,
        /** The signature is missing or does not verify against the sender's registered key. */
        SignatureInvalid,
        /** The record key and the {@code machineId} in the value disagree. */
        MachineIdMismatch,
        /** The machine named is not known to the receiver. */
        UnknownMachine,
        /**
         * A genuine operation the machine will not run: replayed, delivered after a newer one, or issued
         * outside its freshness window ({@link #ERROR_CODE} says which). The machine also answers it with a
         * signed Failed result, so the cloud never waits for it. Also a guest assignment issued later than the
         * machine's clock allows ({@code OperationNotYetValid}), which is not kept and gets no report.
         */
        OperationRefused,
        /**
         * The cloud could not publish this outbox message at all (larger than the broker accepts): its operation
         * failed with {@link ErrorCode#OperationUndeliverable}. The dead letter has no value (it would not fit
         * either); the detail names the operation and its size.
         */
        Undeliverable,
        /**
         * A verified record the receiver cannot store (a text with a NUL character, a time out of range) or must
         * not keep (a report whose time is later than the receiver's clock allows: kept, it would hide the reports
         * after it): retrying cannot help, so it is set aside and the records after it go on.
         */
        Unprojectable
    }

    private DeadLetter() {
    }
}

package dev.bulwark.cloud.messaging;

import dev.bulwark.cloud.service.ResultProjector;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Outbox messages the broker refuses for good (larger than it accepts): retrying them would hold every row
 * behind them forever. Each is dead-lettered without its value (it would not fit there either) and, for an
 * extension operation, its operation fails with {@code OperationUndeliverable} through the same projection
 * as an agent's result, so the extension, the activity log and a rollout see it end. The relay then deletes
 * the row with the rest of its batch.
 */
@ApplicationScoped
public class UndeliverableMessages {
    private static final Logger LOG = Logger.getLogger(UndeliverableMessages.class);

    @Inject
    DeadLetterPublisher deadLetters;
    @Inject
    ResultProjector projector;

    /** One message the broker refused, with why. */
    public record Undeliverable(String topic, String machineId, String payload, Throwable error) {
        String detail() {
            return "a message of " + payload.getBytes(StandardCharsets.UTF_8).length + " bytes for machine " + machineId
                    + (operationId() == null ? "" : " (operation " + operationId() + ")") + " was refused by the broker: "
                    + error.getClass().getSimpleName();
        }

        String operationId() {
            ExtensionOperation operation = operation();
            return operation == null ? null : operation.operationId();
        }

        ExtensionOperation operation() {
            if (!Topics.EXTENSION_OPERATIONS.equals(topic)) {
                return null;
            }
            try {
                return Json.MAPPER.readValue(payload, ExtensionOperation.class);
            } catch (IOException e) {
                return null; // the cloud wrote it: cannot happen, and the dead letter still says what it was
            }
        }
    }

    /** True for a refusal that no retry can change; anything else (broker away, timeouts) is retried. */
    public static boolean isPermanent(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException;
    }

    public Uni<Void> handle(List<Undeliverable> undeliverable) {
        List<ExtensionOperation> operations = new ArrayList<>();
        for (Undeliverable message : undeliverable) {
            LOG.errorf("Outbox message undeliverable, dead-lettered: %s", message.detail());
            ExtensionOperation operation = message.operation();
            if (operation != null) {
                operations.add(operation);
            }
        }
        return deadLetters.sendUndeliverable(undeliverable)
                .chain(() -> projector.failUndeliverable(operations));
    }
}

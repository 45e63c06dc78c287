package dev.bulwark.cloud.rest.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.repository.row.RolloutRow;
import dev.bulwark.cloud.service.rollout.PredictionSummary;
import dev.bulwark.cloud.service.rollout.RolloutAddress;
import dev.bulwark.cloud.service.rollout.RolloutDefinition;
import dev.bulwark.cloud.service.rollout.RolloutStatus;
import dev.bulwark.model.Json;
import dev.bulwark.model.OperationKind;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rollout as the API shows {@code Bulwark.Fleet/extensionRollouts}: what it does (protected settings never
 * appear), where it stands per stage and in total, and what the what-if predicted and how right it was.
 */
public record RolloutView(String id, String name, String type, String location, Properties properties) {

    public record Properties(String operation, Extension extension, Target target, Strategy strategy, boolean whatIf,
                             String provisioningState, String message, int currentStage, int stageCount,
                             RolloutStatus.Counts total, List<RolloutStatus.StageStatus> stages, Prediction prediction,
                             Instant startTime, Instant endTime, String correlationId) {
    }

    public record Extension(String name, ExtensionProperties properties) {
    }

    public record ExtensionProperties(String publisher, String type, String typeHandlerVersion, JsonNode settings,
                                      boolean autoUpgradeMinorVersion, boolean enableAutomaticUpgrade, String forceUpdateTag) {
    }

    public record Target(String scope, Map<String, String> tags, Integer machines) {
    }

    /** {@code pauseBetweenStages} as the request spells it: an ISO-8601 duration. */
    public record Strategy(List<RolloutDefinition.Stage> stages, int maxFailurePercent, String pauseBetweenStages) {
    }

    /** {@code predicted}: at acceptance; {@code verdicts}: predictions judged against the outcomes so far. */
    public record Prediction(PredictionSummary predicted, RolloutStatus.Verdicts verdicts) {
    }

    public static RolloutView of(RolloutRow rollout, RolloutDefinition definition, RolloutStatus status) {
        RolloutDefinition.Target target = definition.target();
        boolean listed = !target.machines().isEmpty();
        return new RolloutView(RolloutAddress.of(rollout.subscriptionId(), rollout.resourceGroup(), rollout.name()).resourceId(),
                rollout.name(), RolloutAddress.TYPE, rollout.location(), new Properties(
                operationName(definition.operation()),
                new Extension(definition.extensionName(), new ExtensionProperties(definition.publisher(), definition.type(),
                        definition.version(), json(definition.settings()), definition.autoUpgradeMinorVersion(),
                        definition.enableAutomaticUpgrade(), definition.forceUpdateTag())),
                new Target(listed ? null : target.scope().name(), listed || target.tags().isEmpty() ? null : target.tags(),
                        listed ? target.machines().size() : null),
                new Strategy(definition.strategy().stages(), definition.strategy().maxFailurePercent(),
                        definition.strategy().pauseBetweenStages().toString()),
                rollout.whatIf(), rollout.state(), rollout.message(), rollout.currentStage() + 1, rollout.stageCount(),
                status.total(), status.stages(), new Prediction(prediction(rollout), status.verdicts()), rollout.createdAt(),
                rollout.endTime(), rollout.correlationId()));
    }

    /** As a request spells it: Install, Update, Upgrade, Delete. */
    public static String operationName(OperationKind kind) {
        return switch (kind) {
            case INSTALL -> "Install";
            case UPDATE -> "Update";
            case UPGRADE -> "Upgrade";
            case DELETE -> "Delete";
        };
    }

    private static PredictionSummary prediction(RolloutRow rollout) {
        try {
            return Json.MAPPER.readValue(rollout.prediction(), PredictionSummary.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("rollout " + rollout.id() + " has an unreadable prediction", e);
        }
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }
}

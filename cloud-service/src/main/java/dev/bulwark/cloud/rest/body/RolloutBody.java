package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.cloud.rest.body.constraint.ArmTags;
import dev.bulwark.cloud.rest.body.constraint.IsoDuration;
import dev.bulwark.cloud.rest.body.constraint.MachineName;
import dev.bulwark.cloud.rest.body.constraint.MachineReference;
import dev.bulwark.cloud.rest.body.constraint.Region;
import dev.bulwark.cloud.service.rollout.RolloutDefinition;
import dev.bulwark.cloud.service.rollout.RolloutService;
import dev.bulwark.model.OperationKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.ConvertGroup;
import jakarta.validation.groups.Default;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A rollout ({@code Bulwark.Fleet/extensionRollouts}): one extension operation for every machine of a target, in
 * stages, halted when a stage fails more than {@code maxFailurePercent} of its machines.
 */
@Schema(name = "ExtensionRollout")
public record RolloutBody(@Schema(example = "westeurope") @NotNull @Region String location,
                          @NotNull @Valid Properties properties) implements ArmRequestBody {

    /** Machines a rollout may list explicitly. */
    public static final int MAX_LISTED_MACHINES = 100_000;

    @Schema(name = "ExtensionRolloutProperties")
    public record Properties(
            @Schema(enumeration = {"Install", "Update", "Upgrade", "Delete"}, description = "What each machine is asked (any case)")
            @NotNull @Pattern(regexp = "(?i)Install|Update|Upgrade|Delete", message = "must be one of Install, Update, Upgrade, Delete")
            String operation,
            @NotNull @Valid Extension extension,
            @Schema(description = "Which machines; absent: every machine of the rollout's resource group") @Valid Target target,
            @Schema(description = "Absent: all machines at once, halting on no failure") @Valid Strategy strategy,
            @Schema(description = "Only predict each machine's decision from its reported local rules") Boolean whatIf) {
    }

    /** The extension resource each machine gets: as in a machine-extension PUT, its version required by Install and Upgrade. */
    @Schema(name = "ExtensionRolloutExtension")
    public record Extension(@NotNull @MachineName String name,
                            @NotNull @Valid @ConvertGroup(from = Default.class, to = ExtensionBody.Identified.class)
                            ExtensionBody.Properties properties) {
    }

    @Schema(name = "ExtensionRolloutTarget")
    public record Target(
            @Schema(enumeration = {"ResourceGroup", "Subscription"})
            @Pattern(regexp = "(?i)ResourceGroup|Subscription", message = "must be one of ResourceGroup, Subscription")
            String scope,
            @Schema(description = "Only machines carrying all these tags") @ArmTags Map<String, String> tags,
            @Schema(description = "Exactly these machines: names in the resource group or resource ids in the subscription")
            @Size(max = MAX_LISTED_MACHINES, message = "must be an array of at most {max} machines")
            List<@NotNull @MachineReference String> machines) {
    }

    @Schema(name = "ExtensionRolloutStrategy")
    public record Strategy(
            @Size(max = 100, message = "must be an array of at most {max} stages") List<@NotNull @Valid Stage> stages,
            @Min(value = 0, message = "must be a whole number from 0 to 100") @Max(value = 100, message = "must be a whole number from 0 to 100")
            Integer maxFailurePercent,
            @Schema(example = "PT30S") @IsoDuration(max = "P1D") String pauseBetweenStages) {
    }

    /** Exactly one of count and percent. */
    @Schema(name = "ExtensionRolloutStage")
    public record Stage(
            @Min(value = 1, message = "must be a whole number of at least 1") Integer count,
            @DecimalMin(value = "0", inclusive = false, message = "must be a number greater than 0 and at most 100")
            @DecimalMax(value = "100", message = "must be a number greater than 0 and at most 100") Double percent) {
    }

    public RolloutService.Submission toSubmission() {
        OperationKind operation = OperationKind.fromCliName(properties.operation);
        ExtensionBody.Properties ext = properties.extension.properties;
        // Which operations need a version is a rule across properties: Update and Delete keep what is installed.
        if (ext.typeHandlerVersion() == null && (operation == OperationKind.INSTALL || operation == OperationKind.UPGRADE)) {
            throw ApiException.missingProperty("properties.extension.properties.typeHandlerVersion");
        }
        RolloutDefinition definition = new RolloutDefinition(operation, properties.extension.name, ext.publisher(),
                ext.type(), ext.typeHandlerVersion(), ext.settings() == null ? null : ext.settings().toString(),
                Boolean.TRUE.equals(ext.autoUpgradeMinorVersion()), Boolean.TRUE.equals(ext.enableAutomaticUpgrade()),
                ext.forceUpdateTag(), target(properties.target), strategy(properties.strategy));
        return new RolloutService.Submission(Locations.normalize(location), definition, ext.protectedSettings(),
                Boolean.TRUE.equals(properties.whatIf));
    }

    private static RolloutDefinition.Target target(Target target) {
        if (target == null) {
            return new RolloutDefinition.Target(RolloutDefinition.Scope.ResourceGroup, null, null);
        }
        String path = "properties.target";
        // Rules across properties: a listed target is exactly the machines listed, and an empty list targets nothing.
        if (target.machines != null && (target.scope != null || target.tags != null)) {
            throw ApiException.invalidParameter(path, "Give either '" + path + ".machines' or '" + path + ".scope' and '"
                    + path + ".tags', not both: a listed target is exactly the machines listed.");
        }
        if (target.machines != null && target.machines.isEmpty()) {
            throw new ApiException(ArmErrorCode.RolloutTargetEmpty, "'" + path + ".machines' lists no machine.", path + ".machines");
        }
        RolloutDefinition.Scope scope = target.scope == null ? RolloutDefinition.Scope.ResourceGroup
                : Arrays.stream(RolloutDefinition.Scope.values()).filter(s -> s.name().equalsIgnoreCase(target.scope))
                .findFirst().orElseThrow();
        return new RolloutDefinition.Target(scope, target.tags, target.machines);
    }

    private static RolloutDefinition.Strategy strategy(Strategy strategy) {
        if (strategy == null) {
            return RolloutDefinition.Strategy.ALL_AT_ONCE;
        }
        List<RolloutDefinition.Stage> stages = new ArrayList<>();
        List<Stage> given = strategy.stages == null ? List.of() : strategy.stages;
        for (int i = 0; i < given.size(); i++) {
            Stage stage = given.get(i);
            // A rule across properties: a stage is sized one way.
            if ((stage.count == null) == (stage.percent == null)) {
                String at = "properties.strategy.stages[" + i + "].";
                throw ApiException.invalidParameter(at + "count", "Each stage gives exactly one of '" + at + "count' (machines)"
                        + " and '" + at + "percent' (of the target, above 0 and at most 100).");
            }
            stages.add(new RolloutDefinition.Stage(stage.count, stage.percent));
        }
        return new RolloutDefinition.Strategy(stages, strategy.maxFailurePercent == null ? 100 : strategy.maxFailurePercent,
                strategy.pauseBetweenStages == null ? null : Duration.parse(strategy.pauseBetweenStages));
    }
}

package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.rest.body.constraint.DottedExtensionType;
import dev.bulwark.cloud.rest.body.constraint.Version;
import dev.bulwark.cloud.service.UpgradeTarget;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** {@code upgradeExtensions}: {@code {"extensionTargets":{"Publisher.Type":{"targetVersion":"x"}}}}. */
@Schema(name = "MachineExtensionUpgrade")
public record UpgradeExtensionsBody(
        @Schema(description = "By Publisher.Type, the version to upgrade to")
        @NotNull @Size(min = 1, message = "names no extension to upgrade")
        Map<@DottedExtensionType String, @NotNull @Valid Target> extensionTargets) implements ArmRequestBody {

    @Schema(name = "ExtensionTargetProperties")
    public record Target(@Schema(example = "1.1") @NotNull @Version String targetVersion) {
    }

    public List<UpgradeTarget> toTargets() {
        return extensionTargets.entrySet().stream()
                .map(target -> new UpgradeTarget(target.getKey(), target.getValue().targetVersion)).toList();
    }
}

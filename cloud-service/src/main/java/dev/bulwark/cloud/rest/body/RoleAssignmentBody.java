package dev.bulwark.cloud.rest.body;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A role assignment ({@code Microsoft.Authorization/roleAssignments}), as ARM's clients send it. */
@Schema(name = "RoleAssignmentCreateParameters")
public record RoleAssignmentBody(@NotNull @Valid Properties properties) implements ArmRequestBody {

    @Schema(name = "RoleAssignmentProperties")
    public record Properties(
            @Schema(description = "A role definition's id or GUID (GET /providers/Microsoft.Authorization/roleDefinitions)")
            @NotNull @Size(min = 1, max = 300, message = "must be a role definition id") String roleDefinitionId,
            @Schema(description = "The principal: a token's oid (else sub)")
            @NotNull @Pattern(regexp = "^[A-Za-z0-9._@-]{1,128}$", message = "must be 1 to 128 letters, digits, '.', '_', '@' or '-'")
            String principalId) {
    }
}

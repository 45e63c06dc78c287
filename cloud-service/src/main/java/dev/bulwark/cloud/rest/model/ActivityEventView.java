package dev.bulwark.cloud.rest.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.security.Grant;
import dev.bulwark.cloud.service.ArmOperation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

/**
 * An activity-log event in the shape of Azure Monitor's {@code EventData}. With {@code $select} only the selected
 * properties are present ({@link ActivityEventSelection}); absent ones are left out, not null.
 */
@Schema(name = "EventData")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActivityEventView(Authorization authorization, String caller, LocalizableString category,
                                @Schema(description = "The token claims of the caller (never the token)")
                                Map<String, String> claims,
                                String correlationId, String eventDataId, LocalizableString eventName,
                                Instant eventTimestamp, Instant submissionTimestamp, String id,
                                @Schema(enumeration = {"Informational", "Error"}) String level,
                                String operationId, LocalizableString operationName, String resourceGroupName,
                                LocalizableString resourceProviderName, LocalizableString resourceType,
                                String resourceId, LocalizableString status, LocalizableString subStatus,
                                String subscriptionId, Properties properties) {

    /** Azure's {@code authorization}: the action, and the role and scope of the assignment that allowed it. */
    @Schema(name = "SenderAuthorization")
    public record Authorization(String action, String role, String scope) {
        static Authorization of(ActivityEventRow event, Grant grant) {
            // Events of the service's own work (reconciliation, compliance reports) were allowed by no role.
            return grant == null ? new Authorization(event.operationName(), null, event.resourceId())
                    : new Authorization(grant.action(), grant.role(), grant.scope());
        }
    }

    public record Properties(String statusCode, String errorCode, String message) {
    }

    public static ActivityEventView of(ActivityEventRow event) {
        return of(event, ActivityEventSelection.ALL);
    }

    public static ActivityEventView of(ActivityEventRow event, ActivityEventSelection select) {
        Grant grant = Grant.fromJson(event.authorization());
        long ticks = event.eventTimestamp().getEpochSecond() * 10_000_000L + event.eventTimestamp().getNano() / 100;
        return new ActivityEventView(
                select.pick("authorization", () -> Authorization.of(event, grant)),
                select.pick("caller", event::caller),
                select.pick("category", () -> LocalizableString.of("Administrative")),
                select.pick("claims", () -> grant == null ? null : grant.claims()),
                select.pick("correlationId", event::correlationId),
                select.pick("eventDataId", () -> event.eventDataId().toString()),
                select.pick("eventName", () -> new LocalizableString(event.eventName(), event.eventName().replace("Request", " request"))),
                select.pick("eventTimestamp", event::eventTimestamp),
                select.pick("submissionTimestamp", event::submissionTimestamp),
                select.pick("id", () -> event.resourceId() + "/events/" + event.eventDataId() + "/ticks/" + ticks),
                select.pick("level", event::level),
                select.pick("operationId", () -> event.operationId().toString()),
                select.pick("operationName", () -> new LocalizableString(event.operationName(),
                        ArmOperation.localizedValueOf(event.operationName()))),
                select.pick("resourceGroupName", event::resourceGroup),
                select.pick("resourceProviderName", () -> LocalizableString.of(provider(event.operationName()))),
                select.pick("resourceType", () -> LocalizableString.of(ArmOperation.resourceTypeOf(event.operationName()))),
                select.pick("resourceId", event::resourceId),
                select.pick("status", () -> LocalizableString.of(event.status())),
                select.pick("subStatus", () -> LocalizableString.of(event.subStatus())),
                select.pick("subscriptionId", event::subscriptionId),
                select.pick("properties", () -> new Properties(event.statusCode(), event.errorCode(), event.message())));
    }

    private static String provider(String operationName) {
        int slash = operationName.indexOf('/');
        return slash < 0 ? operationName : operationName.substring(0, slash);
    }
}

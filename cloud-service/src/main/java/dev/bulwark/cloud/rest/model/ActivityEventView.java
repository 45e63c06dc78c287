package dev.bulwark.cloud.rest.model;

import dev.bulwark.cloud.repository.row.ActivityEventRow;
import dev.bulwark.cloud.security.Grant;
import dev.bulwark.cloud.service.ArmOperation;

import java.time.Instant;

/** An activity-log event in the shape of Azure Monitor's {@code EventData}. */
public record ActivityEventView(Authorization authorization, String caller, LocalizableString category,
                                String correlationId, String eventDataId, LocalizableString eventName,
                                Instant eventTimestamp, Instant submissionTimestamp, String id, String level,
                                String operationId, LocalizableString operationName, String resourceGroupName,
                                LocalizableString resourceProviderName, LocalizableString resourceType,
                                String resourceId, LocalizableString status, LocalizableString subStatus,
                                String subscriptionId, Properties properties) {

    /** Azure's {@code authorization}: the action, and the role and scope of the assignment that allowed it. */
    public record Authorization(String action, String role, String scope) {
        static Authorization of(ActivityEventRow event) {
            Grant grant = Grant.fromJson(event.authorization());
            // Events of the service's own work (reconciliation, compliance reports) were allowed by no role.
            return grant == null ? new Authorization(event.operationName(), null, event.resourceId())
                    : new Authorization(grant.action(), grant.role(), grant.scope());
        }
    }

    public record Properties(String statusCode, String errorCode, String message) {
    }

    public static ActivityEventView of(ActivityEventRow event) {
        long ticks = event.eventTimestamp().getEpochSecond() * 10_000_000L + event.eventTimestamp().getNano() / 100;
        return new ActivityEventView(Authorization.of(event), event.caller(),
                LocalizableString.of("Administrative"), event.correlationId(), event.eventDataId().toString(),
                new LocalizableString(event.eventName(), event.eventName().replace("Request", " request")),
                event.eventTimestamp(), event.submissionTimestamp(),
                event.resourceId() + "/events/" + event.eventDataId() + "/ticks/" + ticks, event.level(),
                event.operationId().toString(),
                new LocalizableString(event.operationName(), ArmOperation.localizedValueOf(event.operationName())),
                event.resourceGroup(), LocalizableString.of(provider(event.operationName())),
                LocalizableString.of(ArmOperation.resourceTypeOf(event.operationName())), event.resourceId(),
                LocalizableString.of(event.status()), LocalizableString.of(event.subStatus()), event.subscriptionId(),
                new Properties(event.statusCode(), event.errorCode(), event.message()));
    }

    private static String provider(String operationName) {
        int slash = operationName.indexOf('/');
        return slash < 0 ? operationName : operationName.substring(0, slash);
    }
}

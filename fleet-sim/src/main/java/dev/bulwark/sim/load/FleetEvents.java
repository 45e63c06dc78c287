package dev.bulwark.sim.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.e2e.CloudApi;
import dev.bulwark.sim.oracle.ObservedEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads a run's extension-operation events back from the activity log, as any API client would. */
public final class FleetEvents {
    private static final Set<String> OPERATION_NAMES = Set.of("Microsoft.HybridCompute/machines/extensions/write",
            "Microsoft.HybridCompute/machines/extensions/delete");

    private FleetEvents() {
    }

    /** The extension events matching {@code filter} whose correlation id {@code belongs}. */
    public static List<ObservedEvent> read(CloudApi api, String filter, java.util.function.Predicate<String> belongs) {
        List<ObservedEvent> events = new ArrayList<>();
        for (JsonNode event : api.activityEvents(filter)) {
            String operationName = event.path("operationName").path("value").asText();
            if (!OPERATION_NAMES.contains(operationName) || !belongs.test(event.path("correlationId").asText())) {
                continue;
            }
            String resource = event.path("resourceId").asText();
            String machine = resource.substring(resource.indexOf("/machines/") + "/machines/".length(), resource.indexOf("/extensions/"));
            JsonNode errorCode = event.path("properties").get("errorCode");
            events.add(new ObservedEvent(machine, event.path("operationId").asText(), event.path("status").path("value").asText(),
                    errorCode == null || errorCode.isNull() ? null : errorCode.asText(),
                    Instant.parse(event.path("eventTimestamp").asText())));
        }
        return events;
    }
}

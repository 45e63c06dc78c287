package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.security.ArmAction;
import dev.bulwark.cloud.security.ArmActions;
import dev.bulwark.cloud.security.CallerContext;
import dev.bulwark.cloud.config.CloudConfig;
import dev.bulwark.cloud.rest.model.ActivityEventSelection;
import dev.bulwark.cloud.rest.model.ActivityEventView;
import dev.bulwark.cloud.rest.model.ActivityLogPage;
import dev.bulwark.cloud.service.ActivityFilterParser;
import dev.bulwark.cloud.service.ActivityLogService;
import dev.bulwark.cloud.service.MachineAddress;
import dev.bulwark.cloud.service.PageCursor;
import io.smallrye.mutiny.Uni;
import java.util.List;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The activity log, as Azure Monitor serves it: filtered by {@code $filter}, newest first, paged with
 * {@code nextLink} (which carries the filter and a {@code $skipToken}).
 */
@Path("/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values")
@Produces(MediaType.APPLICATION_JSON)
public class ActivityLogResource {
    @Inject
    CallerContext caller;
    @Inject
    ActivityLogService activityLog;
    @Inject
    CloudConfig config;

    @GET
    @ArmAction(value = ArmActions.ACTIVITY_LOG_READ, scope = ArmAction.ScopeRule.WITHIN_SUBSCRIPTION)
    @Operation(summary = "Activity-log events: $filter with eventTimestamp ge/le, resourceGroupName, resourceUri,"
            + " correlationId and status eq, joined by 'and'; $select of properties; $top; nextLink")
    public Uni<ActivityLogPage> list(@RestPath String subscriptionId, @RestQuery("api-version") String apiVersion,
                                     @RestQuery("$filter") String filter, @RestQuery("$select") String select,
                                     @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken,
                                     @Context UriInfo uri) {
        String subscription = MachineAddress.requireSubscription(subscriptionId);
        var parsedFilter = ActivityFilterParser.parse(filter);
        ActivityEventSelection selection = ActivityEventSelection.parse(select);
        int size = ResourcePages.size(top, config.activityLog().defaultPageSize(), config.activityLog().maxPageSize());
        PageCursor after = PageCursor.parse(skipToken);
        List<String> within = caller.allowedScopes().contains("/subscriptions/" + subscription) ? null : caller.allowedScopes();
        return activityLog.page(subscription, parsedFilter, after, size, within).map(page -> new ActivityLogPage(
                page.events().stream().map(event -> ActivityEventView.of(event, selection)).toList(),
                page.next() == null ? null : nextLink(uri, apiVersion, filter, select, top, page.next())));
    }

    private String nextLink(UriInfo uri, String apiVersion, String filter, String select, String top, PageCursor next) {
        String base = config.publicUrl().map(Object::toString).orElse(uri.getBaseUri().toString()).replaceFirst("/$", "");
        StringBuilder link = new StringBuilder(base).append('/').append(uri.getPath().replaceFirst("^/", ""))
                .append("?api-version=").append(encode(apiVersion));
        if (filter != null && !filter.isBlank()) {
            link.append("&$filter=").append(encode(filter));
        }
        if (select != null && !select.isBlank()) {
            link.append("&$select=").append(encode(select));
        }
        if (top != null && !top.isBlank()) {
            link.append("&$top=").append(encode(top));
        }
        return link.append("&$skipToken=").append(next.token()).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

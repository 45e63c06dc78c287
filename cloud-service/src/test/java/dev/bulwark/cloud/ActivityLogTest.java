package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Tokens;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The activity log: Azure Monitor's filters, newest first, keyset pages linked by nextLink. */
@QuarkusTest
class ActivityLogTest {

    /** Installs and upgrades need published packages. */
    @BeforeEach
    void publishPackages() {
        Packages.ensurePublished("1.0");
    }

    @Test
    void pagesFollowNextLinkNewestFirstWithoutRepeats() {
        FakeMachine machine = FakeMachine.registered();
        for (String extension : List.of("one", "two", "three")) {
            assertThat(machine.putExtension(extension, Bodies.extension("1.0")).statusCode()).isEqualTo(202);
        }
        String group = "resourceGroupName eq '" + machine.resourceGroup.toUpperCase() + "'";

        JsonPath first = page(group, "2").then().statusCode(200).extract().jsonPath();
        List<String> ids = new ArrayList<>(first.getList("value.eventDataId"));
        String nextLink = first.getString("nextLink");
        assertThat(ids).hasSize(2);
        assertThat(nextLink).contains("$skipToken=").contains("$top=2").contains("api-version=2015-04-01");

        // nextLink is already encoded: follow it as is, as clients do.
        JsonPath second = given().urlEncodingEnabled(false).get(Arm.relative(nextLink)).then().statusCode(200).extract().jsonPath();
        ids.addAll(second.getList("value.eventDataId"));

        assertThat(second.getString("nextLink")).isNull();
        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        List<String> times = new ArrayList<>(first.getList("value.eventTimestamp"));
        times.addAll(second.getList("value.eventTimestamp"));
        assertThat(times).isSortedAccordingTo((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));
        assertThat(second.getList("value.resourceId", String.class)).containsExactly(machine.machineId() + "/extensions/one");
    }

    @Test
    void filtersNarrowTheEventsAndCombineWithAnd() {
        FakeMachine machine = FakeMachine.registered();
        Response accepted = machine.putExtension("one", Bodies.extension("1.0"));
        machine.putExtension("two", Bodies.extension("1.0"));
        String group = "resourceGroupName eq '" + machine.resourceGroup + "'";
        String resource = machine.machineId() + "/extensions/one";
        String now = Instant.now().plus(1, ChronoUnit.MINUTES).toString();
        String hourAgo = Instant.now().minus(1, ChronoUnit.HOURS).toString();

        assertThat(count(group)).isEqualTo(2);
        assertThat(count(group + " and resourceUri eq '" + resource.toUpperCase() + "'")).isEqualTo(1);
        assertThat(count("correlationId eq '" + accepted.header("x-ms-correlation-request-id") + "'")).isEqualTo(1);
        assertThat(count(group + " and status eq 'Started'")).isEqualTo(2);
        assertThat(count(group + " and status eq 'Succeeded'")).isZero();
        assertThat(count(group + " and eventTimestamp ge '" + hourAgo + "' and eventTimestamp le '" + now + "'")).isEqualTo(2);
        assertThat(count(group + " AND eventTimestamp ge '" + now + "'")).isZero();
        assertThat(count(group + " and eventTimestamp le '" + hourAgo + "'")).isZero();
    }

    @Test
    void anUnsupportedFilterIsRefusedNamingIt() {
        Response unknownField = page("levell eq 'Error'", null);
        Response badOperator = page("correlationId ge 'x'", null);
        Response badTime = page("eventTimestamp ge 'yesterday'", null);
        Response badTop = page(null, "0");

        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.jsonPath().getString("error.code")).isEqualTo("InvalidFilter");
        assertThat(unknownField.jsonPath().getString("error.message")).contains("levell");
        assertThat(badOperator.jsonPath().getString("error.message")).contains("ge").contains("correlationId");
        assertThat(badTime.jsonPath().getString("error.message")).contains("yesterday");
        assertThat(badTop.jsonPath().getString("error.code")).isEqualTo("InvalidParameter");
        assertThat(badTop.jsonPath().getString("error.message")).contains("$top");
    }

    @Test
    void eventsCarryTheAzureActivityLogFields() {
        FakeMachine machine = FakeMachine.registered();
        machine.putExtension("one", Bodies.extension("1.0"));

        JsonPath event = page("resourceGroupName eq '" + machine.resourceGroup + "'", null).jsonPath().setRootPath("value[0]");

        assertThat(event.getString("authorization.action")).isEqualTo("Microsoft.HybridCompute/machines/extensions/write");
        // What allowed it: the role and scope of the caller's assignment (the test administrator is Owner of "/").
        assertThat(event.getString("authorization.role")).isEqualTo("Owner");
        assertThat(event.getString("authorization.scope")).isEqualTo("/");
        assertThat(event.getString("caller")).isEqualTo(Tokens.TEST_ADMIN);
        assertThat(event.getString("category.value")).isEqualTo("Administrative");
        assertThat(event.getString("eventName.value")).isEqualTo("BeginRequest");
        assertThat(event.getString("level")).isEqualTo("Informational");
        assertThat(event.getString("status.value")).isEqualTo("Started");
        assertThat(event.getString("subStatus.value")).isEqualTo("Accepted");
        assertThat(event.getString("properties.statusCode")).isEqualTo("Accepted");
        assertThat(event.getString("subscriptionId")).isEqualTo("sub-test");
        assertThat(event.getString("resourceGroupName")).isEqualTo(machine.resourceGroup);
        assertThat(event.getString("eventTimestamp")).isNotBlank();
        assertThat(event.getString("submissionTimestamp")).isNotBlank();
        assertThat(event.getString("operationId")).isNotBlank();
        assertThat(event.getString("eventDataId")).isNotBlank();
    }

    @Test
    void eventsCarryTheCallersTokenClaimsButNeverTheToken() {
        FakeMachine machine = FakeMachine.registered();
        String token = Tokens.admin();
        given().header("Authorization", Tokens.bearer(token)).contentType(io.restassured.http.ContentType.JSON)
                .body(Bodies.extension("1.0").toString()).queryParam("api-version", Arm.API_VERSION)
                .put(machine.extensionPath("one")).then().statusCode(202);

        Response answer = page("resourceGroupName eq '" + machine.resourceGroup + "'", null);
        JsonPath event = answer.jsonPath().setRootPath("value[0]");

        // The test administrator's token: the built-in issuer's, for this service's audience.
        assertThat(event.getString("claims.iss")).isNotBlank();
        assertThat(event.getString("claims.aud")).isNotBlank();
        assertThat(event.getString("claims.sub")).isNotBlank();
        assertThat(event.getString("claims.exp")).matches("[0-9]+");
        assertThat(event.getMap("claims")).doesNotContainKey("roleAssignments");
        assertThat(answer.asString()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void selectReturnsOnlyTheNamedPropertiesOnEveryPage() {
        FakeMachine machine = FakeMachine.registered();
        machine.putExtension("one", Bodies.extension("1.0"));
        machine.putExtension("two", Bodies.extension("1.0"));
        String filter = "resourceGroupName eq '" + machine.resourceGroup + "'";

        JsonPath first = given().queryParam("api-version", Arm.ACTIVITY_API_VERSION).queryParam("$filter", filter)
                .queryParam("$select", "eventTimestamp, STATUS,authorization,claims").queryParam("$top", "1")
                .get(Arm.activityLogPath("sub-test")).then().statusCode(200).extract().jsonPath();
        JsonPath second = given().urlEncodingEnabled(false).get(Arm.relative(first.getString("nextLink")))
                .then().statusCode(200).extract().jsonPath();

        for (JsonPath page : List.of(first, second)) {
            assertThat(page.getList("value")).hasSize(1);
            assertThat(page.getMap("value[0]")).containsOnlyKeys("eventTimestamp", "status", "authorization", "claims");
        }
        assertThat(first.getString("nextLink")).contains("$select=");
    }

    @Test
    void anUnknownSelectedPropertyIsRefusedAndTheOnesAzureListsAreAccepted() {
        Response unknown = given().queryParam("api-version", Arm.ACTIVITY_API_VERSION).queryParam("$select", "status,statsu")
                .get(Arm.activityLogPath("sub-test"));
        Response azure = given().queryParam("api-version", Arm.ACTIVITY_API_VERSION).queryParam("$select", "httpRequest,status")
                .queryParam("$top", "1").get(Arm.activityLogPath("sub-test"));

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.jsonPath().getString("error.code")).isEqualTo("InvalidParameter");
        assertThat(unknown.jsonPath().getString("error.target")).isEqualTo("$select");
        assertThat(unknown.jsonPath().getString("error.message")).contains("statsu");
        assertThat(azure.statusCode()).isEqualTo(200);
    }

    /**
     * The query the official SDK (@azure/arm-monitor) sends: its own encoding of $filter, $select, and on the next
     * page the nextLink with those parameters set again.
     */
    @Test
    void theMonitorSdksQueryIsUnderstood() {
        FakeMachine machine = FakeMachine.registered();
        Response accepted = machine.putExtension("one", Bodies.extension("1.0"));
        machine.putExtension("two", Bodies.extension("1.0"));
        String from = Instant.now().minus(1, ChronoUnit.HOURS).toString();
        String filter = "eventTimestamp ge '" + from + "' and eventTimestamp le '" + Instant.now().plus(1, ChronoUnit.MINUTES)
                + "' and resourceGroupName eq '" + machine.resourceGroup + "'";
        String query = "?api-version=2015-04-01&$filter=" + java.net.URLEncoder.encode(filter, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%27", "'") + "&$select=correlationId%2Cstatus";

        JsonPath first = given().urlEncodingEnabled(false).get(Arm.activityLogPath("sub-test") + query + "&$top=1")
                .then().statusCode(200).extract().jsonPath();
        String next = Arm.relative(first.getString("nextLink"));
        JsonPath second = given().urlEncodingEnabled(false).get(next.substring(0, next.indexOf('?')) + query
                + next.substring(next.indexOf("&$top"))).then().statusCode(200).extract().jsonPath();

        assertThat(first.getString("value[0].correlationId")).isNotBlank();
        assertThat(second.getString("value[0].correlationId")).isNotEqualTo(first.getString("value[0].correlationId"));
        assertThat(List.of(first.getString("value[0].correlationId"), second.getString("value[0].correlationId")))
                .contains(accepted.header("x-ms-correlation-request-id"));
    }

    private static Response page(String filter, String top) {
        var request = given().queryParam("api-version", Arm.ACTIVITY_API_VERSION);
        if (filter != null) {
            request.queryParam("$filter", filter);
        }
        if (top != null) {
            request.queryParam("$top", top);
        }
        return request.get(Arm.activityLogPath("sub-test"));
    }

    private static int count(String filter) {
        return page(filter, null).then().statusCode(200).extract().jsonPath().getList("value").size();
    }
}

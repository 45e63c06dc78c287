package dev.bulwark.cloud;

import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Tokens;
import dev.bulwark.infra.DevTokens.Role;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Machine lists by resource group and by subscription, as ARM clients page them (nextLink), showing only the
 * machines the caller may read. Each test works in a subscription of its own, so other tests' machines never show.
 */
@QuarkusTest
class MachineListTest {

    @Test
    void aResourceGroupAndASubscriptionArePagedWithNextLinkEachMachineOnce() {
        String subscription = "sub-list-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> groupA = register(subscription, "rg-a", 5);
        List<String> groupB = register(subscription, "rg-B", 3);

        List<JsonPath> pagesOfA = pages("/subscriptions/" + subscription + "/resourceGroups/rg-a/providers/Microsoft.HybridCompute/machines", 2, null);
        List<JsonPath> pagesOfSubscription = pages("/subscriptions/" + subscription + "/providers/Microsoft.HybridCompute/machines", 3, null);

        assertThat(pagesOfA).hasSize(3);
        assertThat(names(pagesOfA)).containsExactlyElementsOf(groupA);
        assertThat(pagesOfSubscription).hasSize(3);
        List<String> all = new ArrayList<>(groupA);
        all.addAll(groupB);
        assertThat(names(pagesOfSubscription)).containsExactlyElementsOf(all);
        assertThat(pagesOfSubscription.get(2).getString("nextLink")).isNull();
        JsonPath first = pagesOfSubscription.get(0);
        assertThat(first.getString("nextLink")).contains("api-version=" + Arm.API_VERSION).contains("$skipToken=");
        assertThat(first.getString("value[0].type")).isEqualTo("Microsoft.HybridCompute/machines");
        assertThat(first.getString("value[0].id")).isEqualTo(Arm.machinePath(subscription, "rg-a", groupA.get(0)).toLowerCase());
    }

    @Test
    void aCallerSeesOnlyTheMachinesItMayRead() {
        String subscription = "sub-rbac-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> groupA = register(subscription, "rg-a", 3);
        List<String> groupB = register(subscription, "rg-b", 2);
        String groupReader = Tokens.of("rg-b-reader@bulwark.test", new Role("Reader", "/subscriptions/" + subscription + "/resourceGroups/rg-b"));
        String machineReader = Tokens.of("one-machine@bulwark.test", new Role("Reader",
                Arm.machinePath(subscription, "rg-a", groupA.get(1))));
        String subscriptionPath = "/subscriptions/" + subscription + "/providers/Microsoft.HybridCompute/machines";
        String groupAPath = "/subscriptions/" + subscription + "/resourceGroups/rg-a/providers/Microsoft.HybridCompute/machines";

        assertThat(names(pages(subscriptionPath, 1, groupReader))).containsExactlyElementsOf(groupB);
        assertThat(names(pages(subscriptionPath, 100, machineReader))).containsExactly(groupA.get(1));
        assertThat(names(pages(groupAPath, 100, machineReader))).containsExactly(groupA.get(1));
        Response refused = given().header("Authorization", Tokens.bearer(groupReader)).queryParam("api-version", Arm.API_VERSION)
                .get(groupAPath);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("AuthorizationFailed");
        String stranger = Tokens.of("stranger@bulwark.test", new Role("Reader", "/subscriptions/sub-elsewhere"));
        assertThat(given().header("Authorization", Tokens.bearer(stranger)).queryParam("api-version", Arm.API_VERSION)
                .get(subscriptionPath).statusCode()).isEqualTo(403);
    }

    @Test
    void aSkipTokenThisListDidNotIssueIsRefused() {
        Response refused = given().queryParam("api-version", Arm.API_VERSION).queryParam("$skipToken", "not-ours")
                .get("/subscriptions/sub-test/providers/Microsoft.HybridCompute/machines");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error.target")).isEqualTo("$skipToken");
        assertThat(given().queryParam("api-version", Arm.API_VERSION).queryParam("$top", "0")
                .get("/subscriptions/sub-test/providers/Microsoft.HybridCompute/machines").jsonPath().getString("error.target"))
                .isEqualTo("$top");
    }

    /** Registers {@code count} machines, returned in the order lists show them (resource id order). */
    private static List<String> register(String subscription, String resourceGroup, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "m-" + i;
            FakeMachine.in(subscription, resourceGroup, name).register();
            names.add(name);
        }
        return names;
    }

    /** Every page of a list, following nextLink from a first page of {@code top}; {@code token} null for the admin. */
    private static List<JsonPath> pages(String path, int top, String token) {
        List<JsonPath> pages = new ArrayList<>();
        var first = given().queryParam("api-version", Arm.API_VERSION).queryParam("$top", top);
        if (token != null) {
            first.header("Authorization", Tokens.bearer(token));
        }
        Response page = first.get(path);
        while (true) {
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            pages.add(page.jsonPath());
            String next = page.jsonPath().getString("nextLink");
            if (next == null || pages.size() > 20) {
                return pages;
            }
            var request = given();
            if (token != null) {
                request.header("Authorization", Tokens.bearer(token));
            }
            page = request.urlEncodingEnabled(false).get(Arm.relative(next));
        }
    }

    private static List<String> names(List<JsonPath> pages) {
        List<String> names = new ArrayList<>();
        pages.forEach(page -> names.addAll(page.getList("value.name", String.class)));
        return names;
    }
}

package dev.bulwark.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cloud.support.Arm;
import dev.bulwark.cloud.support.Bodies;
import dev.bulwark.cloud.support.Database;
import dev.bulwark.cloud.support.FakeMachine;
import dev.bulwark.cloud.support.Packages;
import dev.bulwark.cloud.support.RealInfrastructure;
import dev.bulwark.cloud.support.Tokens;
import dev.bulwark.infra.DevTokens.Role;
import dev.bulwark.model.Json;
import dev.bulwark.model.auth.MachineTokens;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.SealedBox;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management plane's defences, each attacked from outside the way a client would: requests sent here
 * carry only the credentials each case names (not the test administrator's token the other tests use).
 */
@QuarkusTest
class SecurityTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(dev.bulwark.cloud.support.Http.LOCAL_CA).build();

    @TestHTTPResource(value = "/", tls = true)
    URL base;
    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    record Answer(int status, JsonNode body) {
        String code() {
            return body.path("error").path("code").asText(null);
        }

        String message() {
            return body.path("error").path("message").asText("");
        }
    }

    @Test
    void aRequestWithoutATokenIsRefusedWithArmsCode() {
        FakeMachine machine = FakeMachine.registered();
        Answer answer = call("GET", machine.path(), null, null);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("AuthenticationFailed");
        assertThat(answer.message()).contains("'Authorization' header is missing");
    }

    @Test
    void expiredWrongAudienceAndForgedTokensAreRefused() throws Exception {
        FakeMachine machine = FakeMachine.registered();
        List<Role> owner = List.of(new Role("Owner", "/"));
        String expired = Tokens.issuer().mint("eve@bulwark.test", owner, Instant.now().minus(Duration.ofHours(2)),
                Duration.ofHours(1), Tokens.issuer().audience());
        assertThat(call("GET", machine.path(), expired, null)).satisfies(a -> {
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.code()).isEqualTo("ExpiredAuthenticationToken");
        });
        String otherAudience = Tokens.issuer().mint("eve@bulwark.test", owner, Instant.now(), Duration.ofHours(1),
                "https://management.azure.com/");
        assertThat(call("GET", machine.path(), otherAudience, null)).satisfies(a -> {
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.code()).isEqualTo("InvalidAuthenticationToken");
        });
        String valid = Tokens.of("eve@bulwark.test", owner.toArray(Role[]::new));
        String[] parts = valid.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertThat(call("GET", machine.path(), forged, null)).satisfies(a -> {
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.code()).isEqualTo("InvalidAuthenticationToken");
        });
        assertThat(call("GET", machine.path(), valid, null).status()).isEqualTo(200);
    }

    @Test
    void aReaderCanReadButNotWrite() {
        Packages.ensurePublished("1.0.0");
        FakeMachine machine = FakeMachine.registered();
        String reader = Tokens.of("reader@bulwark.test", new Role("Reader", "/subscriptions/" + machine.subscription));
        assertThat(call("GET", machine.path(), reader, null).status()).isEqualTo(200);
        Answer write = call("PUT", machine.extensionPath("logs"), reader, Bodies.extension("1.0.0").toString());
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.code()).isEqualTo("AuthorizationFailed");
        assertThat(write.message()).contains("reader@bulwark.test")
                .contains("'Microsoft.HybridCompute/machines/extensions/write'")
                .contains("over scope '" + machine.path() + "/extensions/logs'");
        assertThat(Database.count(pool, "SELECT count(*) FROM extension WHERE machine_id = '" + machine.machineId() + "'")).isZero();
    }

    @Test
    void theOnboardingRoleRegistersMachinesButCannotInstallOrReKey() {
        Packages.ensurePublished("1.0.0");
        FakeMachine machine = FakeMachine.unregistered();
        String onboarding = Tokens.of("onboarder@bulwark.test", new Role("Azure Connected Machine Onboarding",
                "/subscriptions/" + machine.subscription + "/resourceGroups/" + machine.resourceGroup));
        assertThat(call("PUT", machine.path(), onboarding, machine.registrationBody()).status()).isEqualTo(201);
        Answer install = call("PUT", machine.extensionPath("logs"), onboarding, Bodies.extension("1.0.0").toString());
        assertThat(install.status()).isEqualTo(403);
        assertThat(install.code()).isEqualTo("AuthorizationFailed");

        Answer takeover = call("PUT", machine.path(), onboarding, otherKeysBody());
        assertThat(takeover.status()).isEqualTo(403);
        assertThat(takeover.message()).contains("registered with other keys");
        assertThat(signingKeyOf(machine)).isEqualTo(Ed25519.encodePublic(machine.signingKeys.getPublic()));
        assertThat(Database.count(pool, "SELECT count(*) FROM activity_event WHERE resource_id = '" + machine.machineId()
                + "' AND operation_name = 'Microsoft.HybridCompute/machines/write' AND status = 'Failed'")).isEqualTo(1);
    }

    @Test
    void reRegisteringWithNewKeysNeedsTheCurrentKeyOrAnAdministrator() {
        FakeMachine machine = FakeMachine.registered();
        // Without proof (a token of the Onboarding role is the attacker's best credential): refused, keys unchanged.
        Answer refused = call("PUT", machine.path(), null, otherKeysBody());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(signingKeyOf(machine)).isEqualTo(Ed25519.encodePublic(machine.signingKeys.getPublic()));

        // Signed by a key that is not the machine's: refused.
        KeyPair next = Ed25519.generate();
        KeyPair nextEncryption = SealedBox.generateKeyPair();
        String body = body(next, nextEncryption);
        String digest = MachineTokens.newKeysDigest(Ed25519.encodePublic(next.getPublic()), Ed25519.encodePublic(nextEncryption.getPublic()));
        String wrongKey = MachineTokens.mint(machine.machineId(), Ed25519.generate().getPrivate(), MachineTokens.REGISTRATION, digest, Instant.now());
        assertThat(callMachine(machine.path(), wrongKey, body).status()).isEqualTo(403);
        // Signed by the current key, for other new keys than sent: refused.
        String otherDigest = MachineTokens.mint(machine.machineId(), machine.signingKeys.getPrivate(), MachineTokens.REGISTRATION,
                "00", Instant.now());
        assertThat(callMachine(machine.path(), otherDigest, body).status()).isEqualTo(403);
        assertThat(signingKeyOf(machine)).isEqualTo(Ed25519.encodePublic(machine.signingKeys.getPublic()));

        // Signed by the current key over the new keys: rotated, and logged.
        String proof = MachineTokens.mint(machine.machineId(), machine.signingKeys.getPrivate(), MachineTokens.REGISTRATION, digest, Instant.now());
        assertThat(callMachine(machine.path(), proof, body).status()).isEqualTo(200);
        assertThat(signingKeyOf(machine)).isEqualTo(Ed25519.encodePublic(next.getPublic()));
        assertThat(Database.count(pool, "SELECT count(*) FROM activity_event WHERE resource_id = '" + machine.machineId()
                + "' AND operation_name = 'Microsoft.HybridCompute/machines/write' AND status = 'Succeeded'")).isEqualTo(1);

        // An administrator of the resource group may re-key too.
        String admin = Tokens.of("admin@bulwark.test", new Role("Azure Connected Machine Resource Administrator",
                "/subscriptions/" + machine.subscription + "/resourceGroups/" + machine.resourceGroup));
        assertThat(call("PUT", machine.path(), admin, otherKeysBody()).status()).isEqualTo(200);
        assertThat(signingKeyOf(machine)).isNotEqualTo(Ed25519.encodePublic(next.getPublic()));
    }

    @Test
    void anAdministratorOfOneResourceGroupReachesNothingInAnother() {
        Packages.ensurePublished("1.0.0");
        FakeMachine mine = FakeMachine.registered();
        FakeMachine other = FakeMachine.registered();
        String admin = Tokens.of("rg-admin@bulwark.test", new Role("Azure Connected Machine Resource Administrator",
                "/subscriptions/" + mine.subscription + "/resourceGroups/" + mine.resourceGroup));
        assertThat(call("GET", mine.path(), admin, null).status()).isEqualTo(200);
        assertThat(call("GET", other.path(), admin, null).status()).isEqualTo(403);
        assertThat(call("PUT", other.extensionPath("logs"), admin, Bodies.extension("1.0.0").toString()).status()).isEqualTo(403);
        assertThat(call("DELETE", other.extensionPath("logs"), admin, null).status()).isEqualTo(403);
    }

    @Test
    void aPrincipalOfOneSubscriptionReachesNothingInAnother() {
        FakeMachine machine = FakeMachine.registered();
        String otherOwner = Tokens.of("owner-b@bulwark.test", new Role("Owner", "/subscriptions/sub-other"));
        assertThat(call("GET", machine.path(), otherOwner, null).status()).isEqualTo(403);
        assertThat(call("GET", Arm.activityLogPath(machine.subscription) + "?api-version=" + Arm.ACTIVITY_API_VERSION + "&$filter=" + enc("resourceGroupName eq '"
                + machine.resourceGroup + "'"), otherOwner, null).status()).isEqualTo(403);
        assertThat(call("PUT", machine.path(), otherOwner, otherKeysBody()).status()).isEqualTo(403);
    }

    @Test
    void theActivityLogShowsTheTokensPrincipalNeverAHeaderAndWhatAllowedIt() throws Exception {
        Packages.ensurePublished("1.0.0");
        FakeMachine machine = FakeMachine.registered();
        String admin = Tokens.of("carol@bulwark.test", new Role("Contributor", "/subscriptions/" + machine.subscription));
        HttpRequest.Builder put = request("PUT", machine.extensionPath("logs") + "?api-version=" + Arm.API_VERSION, admin, Bodies.extension("1.0.0").toString())
                .header("x-ms-client-principal-name", "mallory@evil.test");
        assertThat(send(put).status()).isEqualTo(202);
        Answer log = call("GET", Arm.activityLogPath(machine.subscription) + "?api-version=" + Arm.ACTIVITY_API_VERSION + "&$filter=" + enc("resourceGroupName eq '"
                + machine.resourceGroup + "'"), admin, null);
        JsonNode started = log.body().path("value").get(0);
        assertThat(started.path("caller").asText()).isEqualTo("carol@bulwark.test");
        assertThat(started.path("authorization").path("action").asText()).isEqualTo("Microsoft.HybridCompute/machines/extensions/write");
        assertThat(started.path("authorization").path("role").asText()).isEqualTo("Contributor");
        assertThat(started.path("authorization").path("scope").asText()).isEqualTo("/subscriptions/" + machine.subscription);
        assertThat(log.body().toString()).doesNotContain("mallory");
    }

    @Test
    void aReaderOfOneResourceGroupSeesOnlyItsEventsInTheActivityLog() {
        Packages.ensurePublished("1.0.0");
        FakeMachine mine = FakeMachine.registered();
        FakeMachine other = FakeMachine.registered();
        mine.putExtension("logs", Bodies.extension("1.0.0"));
        other.putExtension("logs", Bodies.extension("1.0.0"));
        String reader = Tokens.of("rg-reader@bulwark.test", new Role("Reader",
                "/subscriptions/" + mine.subscription + "/resourceGroups/" + mine.resourceGroup));
        Answer log = call("GET", Arm.activityLogPath(mine.subscription) + "?api-version=" + Arm.ACTIVITY_API_VERSION + "&$top=1000", reader, null);
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.body().path("value")).isNotEmpty().allSatisfy(event ->
                assertThat(event.path("resourceGroupName").asText()).isEqualToIgnoringCase(mine.resourceGroup));
    }

    @Test
    void publishingIntoAReservedNamespaceOrWithoutTheNamespacesRoleIsRefused() {
        byte[] zip = Packages.build("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", "9.9.9");
        String path = Packages.versionsPath("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent") + "/9.9.9?api-version=" + Arm.API_VERSION;
        String owner = Tokens.of("tenant-owner@bulwark.test", new Role("Owner", "/"));
        assertThat(put(path, owner, zip).status()).isEqualTo(403);
        // Owner of everything may assign roles, but not in a vendor's namespace.
        Answer grant = call("PUT", "/providers/Microsoft.HybridCompute/publishers/Microsoft.Azure.Monitor/providers/Microsoft.Authorization/roleAssignments/"
                + UUID.randomUUID() + "?api-version=2022-04-01", owner, "{\"properties\":{\"roleDefinitionId\":\"Extension Publisher\","
                + "\"principalId\":\"" + dev.bulwark.infra.DevTokens.objectId("tenant-owner@bulwark.test") + "\"}}");
        assertThat(grant.status()).isEqualTo(403);
        assertThat(put(path, owner, zip).status()).isEqualTo(403);
        // A publisher of another namespace cannot publish here either.
        String fabrikam = Tokens.of("fabrikam@bulwark.test", new Role("Extension Publisher",
                "/providers/Microsoft.HybridCompute/publishers/Fabrikam.Tools"));
        byte[] contoso = Packages.build("Contoso.Security", "Scanner", "1.0.0");
        assertThat(put(Packages.versionsPath("Contoso.Security", "Scanner") + "/1.0.0?api-version=" + Arm.API_VERSION, fabrikam, contoso)
                .status()).isEqualTo(403);
        assertThat(Database.count(pool, "SELECT count(*) FROM package_version WHERE lower(publisher) LIKE 'microsoft%'"
                + " OR publisher = 'Contoso.Security'")).isZero();
    }

    @Test
    void roleAssignmentsMadeThroughTheApiGrantAndOnlyOwnersMakeThem() {
        FakeMachine machine = FakeMachine.registered();
        String rg = "/subscriptions/" + machine.subscription + "/resourceGroups/" + machine.resourceGroup;
        String dave = Tokens.of("dave@bulwark.test");
        assertThat(call("GET", machine.path(), dave, null).status()).isEqualTo(403);
        String contributor = Tokens.of("contributor@bulwark.test", new Role("Contributor", rg));
        String body = "{\"properties\":{\"roleDefinitionId\":\"/subscriptions/" + machine.subscription
                + "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7\",\"principalId\":\""
                + dev.bulwark.infra.DevTokens.objectId("dave@bulwark.test") + "\"}}";
        String assignment = rg + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID() + "?api-version=2022-04-01";
        assertThat(call("PUT", assignment, contributor, body).status()).isEqualTo(403);
        String owner = Tokens.of("owner@bulwark.test", new Role("Owner", rg));
        Answer created = call("PUT", assignment, owner, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("properties").path("scope").asText()).isEqualTo(rg);
        assertThat(call("GET", machine.path(), dave, null).status()).isEqualTo(200);
        assertThat(call("PUT", machine.extensionPath("logs"), dave, Bodies.extension("1.0.0").toString()).status()).isEqualTo(403);
        assertThat(call("DELETE", assignment, owner, null).status()).isEqualTo(200);
        assertThat(call("GET", machine.path(), dave, null).status()).isEqualTo(403);
    }

    @Test
    void onboardingSecretsRegisterUpToTheirLimitUntilTheyExpire() {
        FakeMachine first = FakeMachine.unregistered();
        String owner = Tokens.of("owner@bulwark.test", new Role("Owner", "/subscriptions/" + first.subscription));
        String secretPath = "/subscriptions/" + first.subscription + "/resourceGroups/" + first.resourceGroup
                + "/providers/Bulwark.Fleet/onboardingSecrets/";
        Answer secret = call("PUT", secretPath + "one?api-version=2026-12-01", owner, "{\"properties\":{}}");
        assertThat(secret.status()).isEqualTo(201);
        String id = secret.body().path("properties").path("activationId").asText();
        String code = secret.body().path("properties").path("activationCode").asText();
        assertThat(secret.body().path("properties").path("registrationLimit").asInt()).isEqualTo(1);
        assertThat(call("GET", secretPath + "one?api-version=2026-12-01", owner, null).body().toString()).doesNotContain(code);

        assertThat(activate(first.path(), id, "wrong-code", first.registrationBody()).status()).isEqualTo(401);
        assertThat(activate(first.path(), id, code, first.registrationBody()).status()).isEqualTo(201);
        FakeMachine second = FakeMachine.unregistered();
        String secondInSameGroup = first.path().replace(first.name, second.name);
        Answer overLimit = activate(secondInSameGroup, id, code, second.registrationBody());
        assertThat(overLimit.status()).isEqualTo(401);
        assertThat(overLimit.message()).contains("registration limit (1)");
        // It never re-keys what it registered.
        assertThat(activate(first.path(), id, code, otherKeysBody()).status()).isEqualTo(403);

        Instant expires = Instant.now().plusSeconds(2);
        Answer soon = call("PUT", secretPath + "soon?api-version=2026-12-01", owner, "{\"properties\":{\"expiresOn\":\""
                + expires + "\",\"registrationLimit\":5}}");
        assertThat(soon.status()).isEqualTo(201);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expires));
        Answer late = activate(secondInSameGroup, soon.body().path("properties").path("activationId").asText(),
                soon.body().path("properties").path("activationCode").asText(), second.registrationBody());
        assertThat(late.status()).isEqualTo(401);
        assertThat(late.message()).contains("expired");
        assertThat(Database.count(pool, "SELECT count(*) FROM machine WHERE name = '" + second.name + "'")).isZero();
    }

    @Test
    void aRolloutNeedsTheExtensionRightWhereItsTargetIsNotOnlyWhereTheRolloutLives() {
        Packages.ensurePublished("1.0.0");
        FakeMachine machine = FakeMachine.registered();
        String admin = Tokens.of("rg-admin@bulwark.test", new Role("Azure Connected Machine Resource Administrator",
                "/subscriptions/" + machine.subscription + "/resourceGroups/" + machine.resourceGroup));
        String path = "/subscriptions/" + machine.subscription + "/resourceGroups/" + machine.resourceGroup
                + "/providers/Bulwark.Fleet/extensionRollouts/everywhere?api-version=2026-12-01";
        String body = "{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\",\"whatIf\":true,"
                + "\"extension\":{\"name\":\"logs\",\"properties\":{\"publisher\":\"" + Bodies.PUBLISHER + "\",\"type\":\""
                + Bodies.TYPE + "\",\"typeHandlerVersion\":\"1.0.0\"}},\"target\":{\"scope\":\"%s\"}}}";
        Answer subscriptionWide = call("PUT", path, admin, body.formatted("Subscription"));
        assertThat(subscriptionWide.status()).as(subscriptionWide.body().toString()).isEqualTo(403);
        assertThat(subscriptionWide.message()).contains("over scope '/subscriptions/" + machine.subscription + "'");
        Answer ownGroup = call("PUT", path, admin, body.formatted("ResourceGroup"));
        assertThat(ownGroup.status()).as(ownGroup.body().toString()).isEqualTo(200);
    }

    @Test
    void aRolloutsMachineListShowsOnlyTheMachinesTheCallerMayRead() {
        Packages.ensurePublished("1.0.0");
        FakeMachine mine = FakeMachine.registered();
        FakeMachine other = FakeMachine.registered();
        String owner = Tokens.of("owner@bulwark.test", new Role("Owner", "/subscriptions/" + mine.subscription));
        String rollout = "/subscriptions/" + mine.subscription + "/resourceGroups/" + mine.resourceGroup
                + "/providers/Bulwark.Fleet/extensionRollouts/listed";
        String body = "{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\",\"whatIf\":true,"
                + "\"extension\":{\"name\":\"logs\",\"properties\":{\"publisher\":\"" + Bodies.PUBLISHER + "\",\"type\":\""
                + Bodies.TYPE + "\",\"typeHandlerVersion\":\"1.0.0\"}},\"target\":{\"machines\":[\""
                + mine.machineId() + "\",\"" + other.machineId() + "\"]}}}";
        Answer created = call("PUT", rollout + "?api-version=2026-12-01", owner, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
        String reader = Tokens.of("rg-reader@bulwark.test", new Role("Reader",
                "/subscriptions/" + mine.subscription + "/resourceGroups/" + mine.resourceGroup));
        Answer asReader = call("GET", rollout + "/machines?api-version=2026-12-01", reader, null);
        assertThat(asReader.status()).isEqualTo(200);
        assertThat(asReader.body().path("value").toString()).containsIgnoringCase(mine.name).doesNotContainIgnoringCase(other.name);
        assertThat(call("GET", rollout + "/machines?api-version=2026-12-01", owner, null).body().path("value").toString())
                .containsIgnoringCase(other.name);
    }

    private Answer activate(String path, String id, String code, String body) {
        return send(request("PUT", path + "?api-version=" + Arm.API_VERSION, null, body)
                .header("x-bulwark-activation-id", id).header("x-bulwark-activation-code", code));
    }

    private String signingKeyOf(FakeMachine machine) {
        return pool.preparedQuery("SELECT signing_key FROM machine WHERE resource_id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(machine.machineId())).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString(0);
    }

    private static String otherKeysBody() {
        return body(Ed25519.generate(), SealedBox.generateKeyPair());
    }

    private static String body(KeyPair signing, KeyPair encryption) {
        return "{\"location\":\"westeurope\",\"properties\":{\"agentPublicKeys\":{\"signing\":\""
                + Ed25519.encodePublic(signing.getPublic()) + "\",\"encryption\":\""
                + Ed25519.encodePublic(encryption.getPublic()) + "\"},\"agentVersion\":\"1.0.0\"}}";
    }

    private Answer callMachine(String path, String machineToken, String body) {
        return send(request("PUT", path + "?api-version=" + Arm.API_VERSION, null, body).header("Authorization", "Machine " + machineToken));
    }

    private Answer put(String pathAndQuery, String token, byte[] zip) {
        return send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + pathAndQuery))
                .header("Authorization", Tokens.bearer(token)).header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(zip)));
    }

    private Answer call(String method, String pathAndQuery, String token, String body) {
        String withVersion = pathAndQuery.contains("api-version") ? pathAndQuery
                : pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "api-version=" + Arm.API_VERSION;
        return send(request(method, withVersion, token, body));
    }

    private HttpRequest.Builder request(String method, String pathAndQuery, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", Tokens.bearer(token));
        }
        return request;
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Answer(response.statusCode(), text == null || text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}

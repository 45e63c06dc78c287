package dev.bulwark.cloud.rest.body;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The binding step alone: JSON types are never coerced, and each refusal names the property by its path. */
class ArmBodyReaderTest {

    @Test
    void aValueOfTheWrongJsonTypeIsRefusedNamingItsPath() {
        assertRefused("{\"location\":\"westeurope\",\"properties\":{\"operation\":\"Install\",\"whatIf\":1}}",
                "properties.whatIf", "true or false");
        assertRefused("{\"location\":\"westeurope\",\"properties\":{\"operation\":7}}", "properties.operation", "a string");
        assertRefused("{\"location\":\"westeurope\",\"properties\":{\"strategy\":{\"maxFailurePercent\":\"5\"}}}",
                "properties.strategy.maxFailurePercent", "a whole number");
        assertRefused("{\"location\":\"westeurope\",\"properties\":{\"strategy\":{\"stages\":[{\"count\":1.5}]}}}",
                "properties.strategy.stages[0].count", "a whole number");
        assertRefused("{\"location\":\"westeurope\",\"properties\":{\"strategy\":{\"stages\":[{\"count\":1e12}]}}}",
                "properties.strategy.stages[0].count", "");
        assertRefused("{\"location\":\"westeurope\",\"properties\":{\"strategy\":{\"stages\":{}}}}",
                "properties.strategy.stages", "a JSON array");
        assertRefused("{\"location\":\"westeurope\",\"properties\":[]}", "properties", "a JSON object");
    }

    @Test
    void anEnumIsReadByNameOnly() {
        String rule = "{\"properties\":{\"guestConfiguration\":{\"name\":\"n\",\"rules\":[{\"id\":\"r\",\"kind\":%s,\"path\":\"/x\"}]}}}";

        assertRefused(GuestAssignmentBody.class, rule.formatted("0"), "properties.guestConfiguration.rules[0].kind", "one of [");
        assertRefused(GuestAssignmentBody.class, rule.formatted("\"fileexists\""), "properties.guestConfiguration.rules[0].kind",
                "one of [");
        assertThat(ArmBodyReader.read(GuestAssignmentBody.class, bytes(rule.formatted("\"FileExists\"")))
                .properties().guestConfiguration().rules().get(0).kind().name()).isEqualTo("FileExists");
    }

    @Test
    void unknownPropertiesAreIgnoredAndAnEmptyBodyIsReadOnlyWhereAllowed() {
        RolloutBody body = ArmBodyReader.read(RolloutBody.class, bytes("{\"location\":\"westeurope\",\"id\":\"/x\",\"properties\":{"
                + "\"operation\":\"Install\",\"provisioningState\":\"Succeeded\"}}"));

        assertThat(body.properties().operation()).isEqualTo("Install");
        assertThat(ArmBodyReader.read(OnboardingSecretBody.class, new byte[0]).properties()).isNull();
        assertThatThrownBy(() -> ArmBodyReader.read(RolloutBody.class, new byte[0])).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ArmErrorCode.InvalidRequestContent));
    }

    private static void assertRefused(String json, String target, String message) {
        assertRefused(RolloutBody.class, json, target, message);
    }

    private static void assertRefused(Class<?> type, String json, String target, String message) {
        assertThatThrownBy(() -> ArmBodyReader.read(type, bytes(json))).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ArmErrorCode.InvalidParameter);
            assertThat(e.target()).isEqualTo(target);
            assertThat(e.getMessage()).contains("'" + target + "'").contains(message);
        });
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}

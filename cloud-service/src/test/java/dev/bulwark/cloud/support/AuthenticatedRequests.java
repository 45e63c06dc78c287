package dev.bulwark.cloud.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Every test's RestAssured requests carry the test administrator's token, as every real client's do; the
 * security tests send their own requests without it ({@code SecurityTest}).
 */
public class AuthenticatedRequests implements QuarkusTestBeforeEachCallback {
    private static String token;

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (token == null) {
            token = Tokens.admin();
        }
        String header = Tokens.bearer(token);
        Filter authenticate = (request, response, next) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", header);
            }
            return next.next(request, response);
        };
        RestAssured.replaceFiltersWith(authenticate);
    }
}

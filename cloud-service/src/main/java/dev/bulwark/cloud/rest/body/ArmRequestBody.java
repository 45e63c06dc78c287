package dev.bulwark.cloud.rest.body;

/**
 * A JSON request body of the API, bound by {@link ArmBodyReader} and checked by Bean Validation ({@code @Valid} on the
 * resource parameter). Its record components are the body's properties; anything else in the body is ignored.
 */
public interface ArmRequestBody {
}

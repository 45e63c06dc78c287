package dev.bulwark.cloud.rest.body;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.rest.Utf8Bodies;
import dev.bulwark.model.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyReader;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Binds every {@link ArmRequestBody}: strict UTF-8 ({@link Utf8Bodies#decode}), then {@link JsonContent}'s checks,
 * then the properties into the record. A property of the wrong JSON type is refused with its path
 * ({@code properties.settings}); nothing is coerced (no "1" for 1, no 1 for true, no 1.5 for a whole number): a value
 * the client did not mean is refused, not stored. Unknown properties are ignored, as ARM does.
 */
@Provider
public class ArmBodyReader implements ServerMessageBodyReader<ArmRequestBody> {
    static final ObjectMapper MAPPER = strict(Json.MAPPER.copy());

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS).disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (CoercionInputShape shape : new CoercionInputShape[]{CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType type : new LogicalType[]{LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo lazyMethod, MediaType mediaType) {
        return ArmRequestBody.class.isAssignableFrom(type);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return ArmRequestBody.class.isAssignableFrom(type);
    }

    @Override
    public ArmRequestBody readFrom(Class<ArmRequestBody> type, Type genericType, MediaType mediaType,
                                   ServerRequestContext context) throws IOException {
        return read(type, context.getInputStream().readAllBytes());
    }

    @Override
    public ArmRequestBody readFrom(Class<ArmRequestBody> type, Type genericType, Annotation[] annotations,
                                   MediaType mediaType, MultivaluedMap<String, String> httpHeaders,
                                   InputStream entityStream) throws IOException {
        return read(type, entityStream.readAllBytes());
    }

    static <T> T read(Class<T> type, byte[] bytes) {
        String text = Utf8Bodies.decode(bytes);
        if (text.isBlank() && type.isAnnotationPresent(EmptyBodyAllowed.class)) {
            text = "{}";
        }
        try {
            return MAPPER.treeToValue(JsonContent.parse(text), type);
        } catch (JsonMappingException e) {
            throw mistyped(e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a tree fails only on mapping", e);
        }
    }

    /** The property at fault and the JSON type it needs; never its value. */
    private static ApiException mistyped(JsonMappingException e) {
        String path = PropertyPaths.of(e.getPath());
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        return ApiException.invalidParameter(path, "Property '" + path + "' must be " + expected(target) + ".");
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of its documented type and range";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(type)) {
            return "a JSON object";
        }
        return "a value of its documented type";
    }
}

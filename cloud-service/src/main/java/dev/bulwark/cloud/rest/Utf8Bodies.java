package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
import dev.bulwark.model.Json;
import dev.bulwark.model.MessageFormatException;
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

/**
 * The API's one strict UTF-8 check: {@link #decode} is the first step of {@code body.ArmBodyReader} (the JSON bodies,
 * records), and this reader applies it to any {@code String} request body too. The built-in reader
 * replaces bytes that are not UTF-8 with U+FFFD, so a request the client never meant would be stored; here such a
 * body is refused with 400 {@code InvalidRequestContent}. JSON is UTF-8 (RFC 8259), whatever charset is declared.
 */
@Provider
public class Utf8Bodies implements ServerMessageBodyReader<String> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo lazyMethod, MediaType mediaType) {
        return String.class.equals(type);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return String.class.equals(type);
    }

    @Override
    public String readFrom(Class<String> type, Type genericType, MediaType mediaType, ServerRequestContext context)
            throws IOException {
        return decode(context.getInputStream().readAllBytes());
    }

    @Override
    public String readFrom(Class<String> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        return decode(entityStream.readAllBytes());
    }

    /** The one strict decoder ({@link Json#strictUtf8}), its refusal as the API's 400. */
    public static String decode(byte[] bytes) {
        try {
            return Json.strictUtf8(bytes);
        } catch (MessageFormatException e) {
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content is not valid UTF-8 ("
                    + e.getMessage() + "); send JSON encoded as UTF-8.");
        }
    }
}

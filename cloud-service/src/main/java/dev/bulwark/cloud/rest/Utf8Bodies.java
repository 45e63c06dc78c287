package dev.bulwark.cloud.rest;

import dev.bulwark.cloud.error.ApiException;
import dev.bulwark.cloud.error.ArmErrorCode;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads every {@code String} request body (the JSON bodies of this API) as strict UTF-8. The built-in reader
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

    static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new ApiException(ArmErrorCode.InvalidRequestContent, "The request content is not valid UTF-8 (byte "
                    + in.position() + "); send JSON encoded as UTF-8.");
        }
        return out.flip().toString();
    }
}

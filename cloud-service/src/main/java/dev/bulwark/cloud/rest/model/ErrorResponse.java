package dev.bulwark.cloud.rest.model;

/** ARM's error body: {@code {"error":{"code","message","target"}}}. */
public record ErrorResponse(Detail error) {

    /** {@code target}: the property, header or parameter at fault, when there is one. */
    public record Detail(String code, String message, String target) {
    }

    public static ErrorResponse of(String code, String message, String target) {
        return new ErrorResponse(new Detail(code, message, target));
    }
}

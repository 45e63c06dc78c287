package dev.bulwark.cloud.rest.model;

import java.util.List;

/** ARM's error body: {@code {"error":{"code","message","target","details"}}}. */
public record ErrorResponse(Detail error) {

    /**
     * {@code target}: the property, header or parameter at fault, when there is one. {@code details}: more
     * specific errors (ARM nests the same shape), absent when there are none.
     */
    public record Detail(String code, String message, String target, List<Detail> details) {
        public Detail(String code, String message, String target) {
            this(code, message, target, null);
        }
    }

    public static ErrorResponse of(String code, String message, String target) {
        return new ErrorResponse(new Detail(code, message, target));
    }

    public static ErrorResponse of(String code, String message, String target, List<Detail> details) {
        return new ErrorResponse(new Detail(code, message, target, details.isEmpty() ? null : List.copyOf(details)));
    }
}

package dev.bulwark.cloud.rest.body.constraint;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/** A short free text stored and shown as given: no control characters, at most 256 characters. */
@Documented
@Pattern(regexp = PrintableText.PATTERN)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface PrintableText {
    String PATTERN = "^[^\\p{Cntrl}]{0,256}$";

    String message() default "must be at most 256 printable characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}

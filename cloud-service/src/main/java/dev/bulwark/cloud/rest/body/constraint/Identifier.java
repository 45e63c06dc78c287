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

/** A publisher, an extension type or a configuration name: no '/', which separates them in Publisher/Type. */
@Documented
@Pattern(regexp = Identifier.PATTERN)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface Identifier {
    String PATTERN = "^[A-Za-z0-9._-]{1,128}$";

    String message() default "must be 1 to 128 letters, digits, '.', '_' or '-'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}

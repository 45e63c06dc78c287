package dev.bulwark.cloud.rest.body.constraint;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/** An ISO-8601 duration (PT30S) from zero to {@link #max()}. */
@Documented
@Constraint(validatedBy = IsoDuration.Check.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface IsoDuration {
    /** The longest accepted, itself ISO-8601. */
    String max();

    String message() default "must be an ISO-8601 duration such as PT30S, from PT0S to {max}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<IsoDuration, String> {
        private Duration max;

        @Override
        public void initialize(IsoDuration annotation) {
            max = Duration.parse(annotation.max());
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            try {
                Duration duration = Duration.parse(value);
                return !duration.isNegative() && duration.compareTo(max) <= 0;
            } catch (DateTimeParseException e) {
                return false;
            }
        }
    }
}

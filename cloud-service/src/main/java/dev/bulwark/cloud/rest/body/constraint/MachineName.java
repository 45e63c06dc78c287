package dev.bulwark.cloud.rest.body.constraint;

import dev.bulwark.model.MachineIds;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
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

/** A machine or extension name by the rule the agent and the paths share ({@link MachineIds#NAME}). */
@Documented
@Constraint(validatedBy = MachineName.Check.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface MachineName {
    String message() default "must be 1 to 54 letters, digits, '-', '_' or '.'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<MachineName, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || MachineIds.NAME.matcher(value).matches();
        }
    }
}

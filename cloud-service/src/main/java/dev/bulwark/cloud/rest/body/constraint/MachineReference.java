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

/** A machine of a rollout's target: its name in the rollout's resource group, or its resource id. */
@Documented
@Pattern(regexp = MachineReference.PATTERN)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface MachineReference {
    String PATTERN = "^([a-zA-Z0-9-_.]{1,54}|/subscriptions/[^\\s]{1,400})$";

    String message() default "must be a machine name or a machine resource id";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}

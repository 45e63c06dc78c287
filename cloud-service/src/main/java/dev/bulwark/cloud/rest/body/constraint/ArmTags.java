package dev.bulwark.cloud.rest.body.constraint;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import java.util.Map;
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

/**
 * ARM tags: at most 50 names of 1 to 512 characters, each with a text value of at most 256. A bad tag is named by
 * its path ({@code tags.owner}).
 */
@Documented
@Constraint(validatedBy = ArmTags.Check.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface ArmTags {
    int MAX_TAGS = 50;

    String message() default "must hold at most 50 tags";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<ArmTags, Map<String, String>> {
        @Override
        public boolean isValid(Map<String, String> tags, ConstraintValidatorContext context) {
            if (tags == null) {
                return true;
            }
            if (tags.size() > MAX_TAGS) {
                return false;
            }
            for (var tag : tags.entrySet()) {
                if (tag.getKey().isEmpty() || tag.getKey().length() > 512 || tag.getValue() == null
                        || tag.getValue().length() > 256) {
                    context.disableDefaultConstraintViolation();
                    context.buildConstraintViolationWithTemplate("must be a name of 1 to 512 characters with a text value"
                            + " of at most 256 characters").addPropertyNode(tag.getKey()).addConstraintViolation();
                    return false;
                }
            }
            return true;
        }
    }
}

package dev.bulwark.cloud.rest.body.constraint;

import dev.bulwark.model.crypto.SealedBox;
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

/**
 * A machine's public key as the agent sends it: base64 X.509, decoded here so that a key no agent could use is
 * refused at registration rather than when the first operation is sealed for it.
 */
@Documented
@Constraint(validatedBy = AgentKey.Check.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface AgentKey {
    Algorithm value();

    String message() default "must be a base64 X.509 {value} public key";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    enum Algorithm {
        /** The signing key. */
        Ed25519,
        /** The sealing (encryption) key. */
        X25519
    }

    class Check implements ConstraintValidator<AgentKey, String> {
        private static final java.util.regex.Pattern BASE64 = java.util.regex.Pattern.compile("^[A-Za-z0-9+/=\\s]{1,512}$");
        private Algorithm algorithm;

        @Override
        public void initialize(AgentKey key) {
            algorithm = key.value();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if (!BASE64.matcher(value).matches()) {
                return false;
            }
            try {
                if (algorithm == Algorithm.Ed25519) {
                    dev.bulwark.model.crypto.Ed25519.verifyingKey(dev.bulwark.model.crypto.Ed25519.decodePublic(value));
                } else {
                    SealedBox.decodePublic(value);
                }
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}

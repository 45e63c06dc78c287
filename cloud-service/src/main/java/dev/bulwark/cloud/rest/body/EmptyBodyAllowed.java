package dev.bulwark.cloud.rest.body;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** On an {@link ArmRequestBody} whose properties all have defaults: an empty request content reads as {@code {}}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EmptyBodyAllowed {
}

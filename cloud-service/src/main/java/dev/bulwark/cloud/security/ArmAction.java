package dev.bulwark.cloud.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The ARM action an API method performs and how its scope is found; {@link ArmAuthorizationFilter} checks
 * it before the method runs. A resource method without it is refused (fail closed).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ArmAction {
    String value();

    ScopeRule scope() default ScopeRule.RESOURCE;

    /** Also accepts an onboarding secret instead of a bearer token (machine registration only). */
    boolean onboarding() default false;

    enum ScopeRule {
        /** The resource the path names (a collection's parent, an action's resource); see {@link ArmScopes#ofPath}. */
        RESOURCE,
        /**
         * Somewhere in the path's subscription: subscription-level lists and lookups. Allowed when any of the
         * caller's assignments in the subscription allows the action; {@link CallerContext#allowedScopes()} says
         * where, and lists show only what lies there.
         */
        WITHIN_SUBSCRIPTION,
        /**
         * Somewhere in the scope the path names ({@link ArmScopes#ofPath}: the resource group of a resource group's
         * list): allowed as {@link #WITHIN_SUBSCRIPTION} is, and the list shows only what lies where it is allowed.
         */
        WITHIN_RESOURCE,
        /** The publisher namespace of the path ({@code publisherName}): publishing is never inherited. */
        PUBLISHER,
        /** The scope the path carries before {@code /providers/Microsoft.Authorization} (role assignments). */
        AUTHORIZATION_SCOPE,
        /** Any authenticated caller: the tenant's role definitions, which are public knowledge. */
        AUTHENTICATED
    }
}

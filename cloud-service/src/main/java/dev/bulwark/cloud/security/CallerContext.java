package dev.bulwark.cloud.security;

import jakarta.enterprise.context.RequestScoped;

import java.util.List;

/** The current request's proven caller and the grant that allowed it, set by {@link ArmAuthorizationFilter}. */
@RequestScoped
public class CallerContext {
    private Caller caller;
    private Grant grant;
    private List<String> allowedScopes = List.of();

    void set(Caller caller, Grant grant) {
        set(caller, grant, grant == null ? List.of() : List.of(grant.scope()));
    }

    void set(Caller caller, Grant grant, List<String> allowedScopes) {
        this.caller = caller;
        this.grant = grant;
        this.allowedScopes = List.copyOf(allowedScopes);
    }

    /**
     * Where the checked action is allowed: the request's scope or, for {@link ArmAction.ScopeRule#WITHIN_SUBSCRIPTION},
     * the subscription or the narrower scopes in it that the caller's assignments cover.
     */
    public List<String> allowedScopes() {
        return allowedScopes;
    }

    public Caller caller() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller: the method lacks @ArmAction");
        }
        return caller;
    }

    /** Null for onboarding secrets and machine tokens, which the registration itself checks. */
    public Grant grant() {
        return grant;
    }

    /** The caller as a principal with a bearer token, or null. */
    public Caller.Principal principal() {
        return caller instanceof Caller.Principal principal ? principal : null;
    }
}

package dev.bulwark.agent.extension;

import java.util.concurrent.CompletableFuture;

/**
 * The seam where packages are verified before anything of them runs: called for every allowed install,
 * update and upgrade, after the local rules and before the handler. An implementation downloads the signed
 * catalog and the package, checks them (DESIGN.md, "Package verification") and answers verified or not;
 * a refusal fails the operation with {@code PackageVerificationFailed} and its reason. Operations without
 * a package reference are verified trivially.
 *
 * <p>The real implementation lives in {@code dev.bulwark.agent.pkg} and is plugged in at
 * {@link dev.bulwark.agent.AgentPlugins#packageGate}.
 */
@FunctionalInterface
public interface PackageGate {

    CompletableFuture<GateResult> verify(PackageRequest request);

    /** Until package verification is plugged in: verifies nothing and lets every operation through. */
    PackageGate NOT_CONFIGURED = request -> CompletableFuture.completedFuture(
            GateResult.verified(null, request.operation().packageRef() == null
                    ? "no package to verify" : "package verification is not configured on this agent"));
}

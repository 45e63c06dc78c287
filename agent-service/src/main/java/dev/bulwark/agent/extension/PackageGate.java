package dev.bulwark.agent.extension;

import java.util.concurrent.CompletableFuture;

/**
 * The seam where packages are verified before anything of them runs: called for every allowed install and
 * upgrade, after the local rules and before the handler (an update reconfigures the installed version and a
 * delete removes it: neither needs a package). An implementation downloads the signed catalog and the
 * package, checks them (DESIGN.md, "Package verification") and answers verified or not; a refusal fails
 * the operation with {@code PackageVerificationFailed} and its reason. An install or upgrade without a
 * package reference is refused: there is no "no package, run anyway".
 *
 * <p>Implementations must not block the caller (downloads take minutes at worst). The real one is
 * {@code dev.bulwark.agent.pkg.VerifyingPackageGate}, plugged in at {@link dev.bulwark.agent.AgentPlugins#packageGate}.
 */
@FunctionalInterface
public interface PackageGate {

    CompletableFuture<GateResult> verify(PackageRequest request);
}

package dev.bulwark.agent.identity;

import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.identity.CloudRegistrar.Registration;
import dev.bulwark.agent.identity.Enrollment.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects the machines of a simulated fleet: keys are generated on every core, machines are registered
 * {@link FleetRegistrar#CHUNK} at a time (a few requests in flight while the next chunk's keys are made),
 * and each chunk's trust roots and identities are written as soon as the cloud answered for it. Nothing is
 * fsynced: a simulated fleet is thrown away rather than recovered.
 */
final class FleetConnection {
    /** Requests in flight: enough to keep the cloud busy while keys for the next chunk are generated. */
    private static final int REQUESTS_IN_FLIGHT = 4;

    private final FleetRegistrar registrar;
    private final Connector.Request request;
    private final List<Connector.Connected> connected = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    FleetConnection(FleetRegistrar registrar, Connector.Request request) {
        this.registrar = registrar;
        this.request = request;
    }

    Connector.Outcome connect(List<Target> targets) {
        ExecutorService cores = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), daemonThreads());
        try {
            Semaphore inFlight = new Semaphore(REQUESTS_IN_FLIGHT);
            List<CompletableFuture<Void>> chunks = new ArrayList<>();
            for (int from = 0; from < targets.size(); from += FleetRegistrar.CHUNK) {
                List<Enrollment> prepared = prepare(targets.subList(from, Math.min(targets.size(), from + FleetRegistrar.CHUNK)), cores);
                if (prepared.isEmpty()) {
                    continue;
                }
                inFlight.acquireUninterruptibly();
                List<FleetRegistrar.Member> members = prepared.stream()
                        .map(e -> new FleetRegistrar.Member(e.target().name(), e.keys())).toList();
                chunks.add(registrar.register(request.cloud(), request.subscription(), request.resourceGroup(), members,
                                AgentVersion.VERSION)
                        .whenComplete((registration, error) -> inFlight.release())
                        .thenCompose(registration -> complete(prepared, registration, cores))
                        .exceptionally(error -> {
                            failures.add(range(prepared) + ": " + cause(error).getMessage());
                            return null;
                        }));
            }
            CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).join();
        } finally {
            cores.shutdown();
        }
        return new Connector.Outcome(Connector.sorted(connected), List.copyOf(failures));
    }

    /** Keys for every machine of a chunk, on every core; a machine that cannot have them is a failure of its own. */
    private List<Enrollment> prepare(List<Target> chunk, ExecutorService cores) {
        List<CompletableFuture<Enrollment>> keys = chunk.stream().map(target -> CompletableFuture.supplyAsync(() -> {
            try {
                return Enrollment.prepare(target, request, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, cores).exceptionally(error -> {
            failures.add(target.name() + ": " + cause(error).getMessage());
            return null;
        })).toList();
        return keys.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList();
    }

    /** Trust roots and identities of a registered chunk, on every core. */
    private CompletableFuture<Void> complete(List<Enrollment> chunk, Registration registration, ExecutorService cores) {
        List<PublicKey> catalogKeys = Enrollment.catalogKeys(request, registration);
        return CompletableFuture.allOf(chunk.stream().map(enrollment -> CompletableFuture.runAsync(() -> {
            try {
                connected.add(enrollment.complete(registration, catalogKeys));
            } catch (IOException | RuntimeException e) {
                failures.add(enrollment.target().name() + ": " + e.getMessage());
            }
        }, cores)).toArray(CompletableFuture[]::new));
    }

    private static String range(List<Enrollment> chunk) {
        return chunk.size() == 1 ? chunk.get(0).target().name() : chunk.get(0).target().name() + " .. "
                + chunk.get(chunk.size() - 1).target().name() + " (" + chunk.size() + " machines)";
    }

    private static Throwable cause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "bulwark-connect-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

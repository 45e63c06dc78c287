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
 * fsynced: a simulated fleet is thrown away rather than recovered. A cloud without the bulk endpoint (404)
 * gets one request per machine instead, as before it existed.
 */
final class FleetConnection {
    /** Requests in flight: enough to keep the cloud busy while keys for the next chunk are generated. */
    private static final int REQUESTS_IN_FLIGHT = 4;

    /** Machines registered at once through an older cloud's per-machine endpoint. */
    private static final int SINGLE_REQUESTS_IN_FLIGHT = 32;
    private static final System.Logger LOG = System.getLogger(FleetConnection.class.getName());

    private final FleetRegistrar registrar;
    private final CloudRegistrar singleRegistrar;
    private final Connector.Request request;
    private final List<Connector.Connected> connected = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    FleetConnection(FleetRegistrar registrar, CloudRegistrar singleRegistrar, Connector.Request request) {
        this.registrar = registrar;
        this.singleRegistrar = singleRegistrar;
        this.request = request;
    }

    Connector.Outcome connect(List<Target> targets) {
        ExecutorService cores = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), daemonThreads());
        try {
            Semaphore inFlight = new Semaphore(REQUESTS_IN_FLIGHT);
            List<CompletableFuture<Void>> chunks = new ArrayList<>();
            boolean bulk = true;
            for (int from = 0; from < targets.size(); from += FleetRegistrar.CHUNK) {
                List<Enrollment> prepared = prepare(targets.subList(from, Math.min(targets.size(), from + FleetRegistrar.CHUNK)), cores);
                if (prepared.isEmpty()) {
                    continue;
                }
                if (!bulk) {
                    chunks.add(onePerRequest(prepared, cores));
                    continue;
                }
                inFlight.acquireUninterruptibly();
                List<FleetRegistrar.Member> members = prepared.stream()
                        .map(e -> new FleetRegistrar.Member(e.target().name(), e.keys())).toList();
                CompletableFuture<Registration> registered = registrar.register(request.cloud(), request.subscription(),
                        request.resourceGroup(), members, AgentVersion.VERSION).whenComplete((registration, error) -> inFlight.release());
                if (chunks.isEmpty() && noBulkEndpoint(registered)) {
                    LOG.log(System.Logger.Level.WARNING, "the cloud at " + request.cloud() + " has no bulk registration"
                            + " endpoint (HTTP 404): registering one machine per request, which is much slower");
                    bulk = false;
                    chunks.add(onePerRequest(prepared, cores));
                    continue;
                }
                chunks.add(registered
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

    /**
     * Waits for the first request's answer: a cloud from before the bulk endpoint answers 404, and then every
     * machine is registered on its own ({@code PUT .../machines/{name}}), as such a cloud expects.
     */
    private static boolean noBulkEndpoint(CompletableFuture<Registration> first) {
        try {
            first.join();
            return false;
        } catch (CompletionException e) {
            return cause(e) instanceof CloudRegistrar.RegistrationException refusal && refusal.status() == 404;
        }
    }

    /** The machines of a chunk registered one per request, a few requests at a time. */
    private CompletableFuture<Void> onePerRequest(List<Enrollment> chunk, ExecutorService cores) {
        Semaphore inFlight = new Semaphore(SINGLE_REQUESTS_IN_FLIGHT);
        List<CompletableFuture<Void>> machines = new ArrayList<>();
        for (Enrollment enrollment : chunk) {
            inFlight.acquireUninterruptibly();
            machines.add(singleRegistrar.register(request.cloud(), request.subscription(), request.resourceGroup(),
                            enrollment.target().name(), enrollment.keys(), AgentVersion.VERSION)
                    .whenComplete((registration, error) -> inFlight.release())
                    .thenCompose(registration -> complete(List.of(enrollment), registration, cores))
                    .exceptionally(error -> {
                        failures.add(enrollment.target().name() + ": " + cause(error).getMessage());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(machines.toArray(CompletableFuture[]::new));
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

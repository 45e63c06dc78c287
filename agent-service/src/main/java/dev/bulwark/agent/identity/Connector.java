package dev.bulwark.agent.identity;

import dev.bulwark.agent.AgentHome;
import dev.bulwark.agent.AgentVersion;
import dev.bulwark.agent.identity.CloudRegistrar.Registration;
import dev.bulwark.agent.identity.Enrollment.Target;
import dev.bulwark.agent.pkg.TrustStore;
import dev.bulwark.agent.tls.CloudHttp;
import dev.bulwark.agent.tls.PinnedCa;
import dev.bulwark.model.MachineIds;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * {@code connect}: gives a machine (or each machine of a simulated fleet) its keys, registers it with the
 * cloud and stores the machine's trust roots: the cloud's operation-signing key, and the catalog-signing
 * keys in the machine's {@link TrustStore}, either as the cloud's answer offers them (trust on first use,
 * like the cloud key) or, when the administrator pins keys ({@code --catalog-key}), exactly those and none
 * from the answer. Afterwards only {@code package trust add|remove} (or connecting again) changes them; no
 * message from the cloud can. The CA the administrator pins ({@code --ca}, {@link PinnedCa}) is the only TLS
 * trust of the registration itself and is stored with the other trust roots; without one, the JVM's default
 * trust store applies and a pin stored before is removed.
 *
 * <p>One machine registers with its own ARM request ({@link CloudRegistrar}). A fleet lives under
 * HOME/machines/, each machine with its own identity, configuration, state and trust store: {@code count}
 * machines named NAME-0001..., or exactly the names a caller lists (a fleet simulator connecting only the
 * machines whose partitions one host reads); it registers in chunks ({@link FleetConnection}).
 */
public final class Connector {
    private final CloudRegistrar registrar;
    private final FleetRegistrar fleetRegistrar;
    private final RegistrationCredential credential;

    /**
     * Registers with {@code credential} over HTTP clients that trust what each request pins
     * ({@link Request#cloudCa()}).
     */
    public Connector(RegistrationCredential credential) {
        this.registrar = null;
        this.fleetRegistrar = null;
        this.credential = credential;
    }

    /** Registers through these registrars, whatever the request pins (tests that count or fail requests). */
    public Connector(CloudRegistrar registrar, FleetRegistrar fleetRegistrar) {
        this.registrar = registrar;
        this.fleetRegistrar = fleetRegistrar;
        this.credential = RegistrationCredential.NONE;
    }

    public Connector(CloudRegistrar registrar) {
        this(registrar, new FleetRegistrar());
    }

    /**
     * {@code count} null: HOME itself is the machine; otherwise a fleet under HOME/machines/, named
     * {@code machineName}-0001... or, when {@code fleetNames} is given, exactly those (then {@code count} is
     * their number). {@code pinnedCatalogKeys} empty: trust the catalog keys the cloud's answer offers; else
     * exactly these. {@code cloudCa}: the CA every machine trusts for TLS from now on, or null for the JVM's
     * default trust store.
     */
    public record Request(URI cloud, String subscription, String resourceGroup, String machineName, Integer count,
                          List<PublicKey> pinnedCatalogKeys, List<String> fleetNames, PinnedCa cloudCa) {
        public Request {
            pinnedCatalogKeys = pinnedCatalogKeys == null ? List.of() : List.copyOf(pinnedCatalogKeys);
            if (fleetNames != null) {
                fleetNames = List.copyOf(fleetNames);
                if (fleetNames.isEmpty() || new HashSet<>(fleetNames).size() != fleetNames.size()) {
                    throw new IllegalArgumentException("a fleet needs at least one machine name, each named once");
                }
                if (count != null && count != fleetNames.size()) {
                    throw new IllegalArgumentException("count " + count + " differs from the " + fleetNames.size() + " names");
                }
                count = fleetNames.size();
            }
        }

        public Request(URI cloud, String subscription, String resourceGroup, String machineName, Integer count,
                       List<PublicKey> pinnedCatalogKeys) {
            this(cloud, subscription, resourceGroup, machineName, count, pinnedCatalogKeys, null, null);
        }

        public Request(URI cloud, String subscription, String resourceGroup, String machineName, Integer count) {
            this(cloud, subscription, resourceGroup, machineName, count, List.of(), null, null);
        }

        /** A simulated fleet of exactly these machines under HOME/machines/. */
        public static Request fleet(URI cloud, String subscription, String resourceGroup, List<String> machineNames,
                                    List<PublicKey> pinnedCatalogKeys) {
            return new Request(cloud, subscription, resourceGroup, null, null, pinnedCatalogKeys, machineNames, null);
        }

        /** The same request, pinning {@code ca} (null: the JVM's default trust store). */
        public Request withCloudCa(PinnedCa ca) {
            return new Request(cloud, subscription, resourceGroup, machineName, count, pinnedCatalogKeys, fleetNames, ca);
        }
    }

    /**
     * One machine connected; {@code previousCloudKey} is set when connecting again changed the trust root;
     * {@code catalogKeyIds} are the catalog keys this connect stored ({@code catalogKeysPinned}: from
     * {@code --catalog-key}, else from the cloud's answer); {@code trustedCatalogKeys} how many it trusts now.
     */
    public record Connected(Path home, MachineIdentity identity, String previousCloudKey, List<String> catalogKeyIds,
                            boolean catalogKeysPinned, int trustedCatalogKeys) {
    }

    /** The machines connected (by name), and what failed (one line per machine, or per refused request). */
    public record Outcome(List<Connected> connected, List<String> failures) {
    }

    public Outcome connect(Path home, Request request) throws IOException {
        List<Target> targets = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (Target target : targets(home, request)) {
            if (request.count() != null && !isFleetMachineName(target.name())) {
                invalid.add(target.name() + ": not a valid machine name (1 to 54 letters, digits, '-', '_' or '.')");
            } else {
                targets.add(target);
            }
        }
        HttpClient http = registrar != null && fleetRegistrar != null ? null
                : CloudHttp.client(request.cloudCa(), Duration.ofSeconds(10));
        CloudRegistrar single = registrar != null ? registrar : new CloudRegistrar(http, credential);
        Outcome outcome = request.count() == null ? connectOne(single, request, targets.get(0))
                : new FleetConnection(fleetRegistrar != null ? fleetRegistrar : new FleetRegistrar(http, credential), single, request)
                .connect(targets);
        if (invalid.isEmpty()) {
            return outcome;
        }
        List<String> failures = new ArrayList<>(invalid);
        failures.addAll(outcome.failures());
        return new Outcome(outcome.connected(), failures);
    }

    private static Outcome connectOne(CloudRegistrar registrar, Request request, Target target) throws IOException {
        Enrollment enrollment;
        try {
            enrollment = Enrollment.prepare(target, request, true);
        } catch (CloudRegistrar.RegistrationException e) {
            return new Outcome(List.of(), List.of(e.getMessage()));
        }
        try {
            Registration registration = registrar.register(request.cloud(), request.subscription(), request.resourceGroup(),
                    target.name(), enrollment.keys(), AgentVersion.VERSION).join();
            return new Outcome(List.of(enrollment.complete(registration, Enrollment.catalogKeys(request, registration))), List.of());
        } catch (CompletionException | CloudRegistrar.RegistrationException | IOException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return new Outcome(List.of(), List.of(target.name() + ": " + cause.getMessage()));
        }
    }

    /** A fleet machine's name is also a folder name under HOME/machines/: "." and ".." would be other folders. */
    private static boolean isFleetMachineName(String name) {
        return MachineIds.isValidName(name) && !name.equals(".") && !name.equals("..");
    }

    static List<Connected> sorted(List<Connected> connected) {
        List<Connected> sorted = new ArrayList<>(connected);
        sorted.sort(Comparator.comparing(c -> c.identity().machineName()));
        return sorted;
    }

    private static List<Target> targets(Path home, Request request) {
        if (request.count() == null) {
            return List.of(new Target(request.machineName(), home));
        }
        return machineNames(request).stream().map(name -> new Target(name, AgentHome.simulatedMachine(home, name))).toList();
    }

    /** The names a fleet request will use, to validate them before anything is written. */
    public static List<String> machineNames(Request request) {
        if (request.count() == null) {
            return List.of(request.machineName());
        }
        if (request.fleetNames() != null) {
            return request.fleetNames();
        }
        int width = Math.max(4, String.valueOf(request.count()).length());
        List<String> names = new ArrayList<>(request.count());
        for (int i = 1; i <= request.count(); i++) {
            names.add(request.machineName() + "-" + String.format("%0" + width + "d", i));
        }
        return names;
    }
}

package dev.bulwark.sim.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.sim.deploy.ManifestChecks.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.bulwark.sim.deploy.ManifestChecks.AGENT;
import static dev.bulwark.sim.deploy.ManifestChecks.CLOUD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders every YAML document of deploy/kubernetes and checks it against the code ({@link ManifestChecks}); then breaks
 * the manifests one way at a time, each the way a real defect would, and shows that the checks catch it.
 */
class DeployManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = Path.of(System.getProperty("bulwark.root", "..")).toAbsolutePath().normalize();
    private static final String CLOUD_FILE = "cloud-service.yaml";
    private static final String DAEMONSET_FILE = "agent-daemonset.yaml";
    private static final String FLEET_FILE = "agent-fleet-sim.yaml";

    private static Map<String, ModuleFacts> modules;

    @BeforeAll
    static void readTheCode() {
        modules = Map.of(CLOUD, ModuleFacts.read(ROOT, CLOUD), AGENT, ModuleFacts.read(ROOT, AGENT));
    }

    @Test
    void theCodeIsReadAsItIs() {
        ModuleFacts cloud = modules.get(CLOUD);
        ModuleFacts agent = modules.get(AGENT);
        assertThat(cloud.port("quarkus.http.ssl-port", Map.of())).isEqualTo(8443);
        assertThat(cloud.port("bulwark.storage.port", Map.of())).isEqualTo(8090);
        assertThat(cloud.port("bulwark.storage.port", Map.of("BULWARK_STORAGE_PORT", "9443"))).isEqualTo(9443);
        assertThat(agent.port("quarkus.http.port", Map.of())).isEqualTo(9180);
        assertThat(cloud.propertyNames).contains("bulwark.storage.dir", "bulwark.storage.public-url", "bulwark.cloud.key-dir",
                "bulwark.cloud.rollout.max-in-flight", "bulwark.auth.built-in-issuer", "bulwark.dev.plain-http",
                "quarkus.tls.key-store.pem.0.cert", "quarkus.datasource.password");
        assertThat(cloud.value("bulwark.storage.dir", Map.of())).startsWith("${user.home}");
        assertThat(agent.propertyNames).contains("bulwark.agent.home", "bulwark.agent.kafka.*", "kafka.bootstrap.servers");
        assertThat(agent.environmentReads).contains("BULWARK_ONBOARDING_SECRET", "BULWARK_TOKEN", "BULWARK_AGENT_HOME");
        assertThat(agent.kafkaPassThrough).containsExactlyInAnyOrder("security.protocol", "sasl.", "ssl.");
        assertThat(cloud.kafkaPassThrough).isEmpty();
        assertThat(cloud.servesHealth).isTrue();
        assertThat(agent.servesHealth).isTrue();
        assertThat(ModuleFacts.environmentNames("quarkus.tls.key-store.pem.0.key")).contains("QUARKUS_TLS_KEY_STORE_PEM__0__KEY");
    }

    @Test
    void everyManifestMatchesTheCode() throws IOException {
        List<Document> documents = load();
        assertThat(new ManifestChecks(documents, modules).problems()).isEmpty();
        assertThat(documents).extracting(d -> d.file() + " " + d.kind() + "/" + d.name()).containsExactlyInAnyOrder(
                DAEMONSET_FILE + " DaemonSet/bulwark-agent",
                FLEET_FILE + " StatefulSet/bulwark-fleet-sim",
                FLEET_FILE + " Service/bulwark-fleet-sim",
                CLOUD_FILE + " PersistentVolumeClaim/bulwark-cloud-data",
                CLOUD_FILE + " StatefulSet/bulwark-cloud",
                CLOUD_FILE + " Service/bulwark-cloud");
    }

    /** Each defect once; the checks must name it. */
    static Stream<Arguments> defects() {
        return Stream.of(
                defect("fleet-sim's agent port is the cloud's 8080", "containerPort 8080",
                        d -> port(container(d, FLEET_FILE, "agent"), 8080)),
                defect("a probe on a port nothing serves", "readinessProbe port 8080",
                        d -> ((ObjectNode) container(d, DAEMONSET_FILE, "agent").path("readinessProbe").path("httpGet")).put("port", 8080)),
                defect("a probe path the app does not serve", "livenessProbe path /health/live",
                        d -> ((ObjectNode) container(d, CLOUD_FILE, "cloud").path("livenessProbe").path("httpGet")).put("path", "/health/live")),
                defect("a plain-http probe on the https port", "readinessProbe scheme HTTP",
                        d -> ((ObjectNode) container(d, CLOUD_FILE, "cloud").path("readinessProbe").path("httpGet")).remove("scheme")),
                defect("package storage left on the read-only root", "bulwark.storage.dir (${user.home}/.bulwark/cloud/storage) is on no volume",
                        d -> removeEnv(container(d, CLOUD_FILE, "cloud"), "BULWARK_STORAGE_DIR")),
                defect("keys on a read-only mount", "bulwark.cloud.key-dir /var/lib/bulwark/keys is on a read-only mount",
                        d -> mount(container(d, CLOUD_FILE, "cloud"), "data").put("readOnly", true)),
                defect("no writable /tmp", "/tmp (java.io.tmpdir) is on no writable volume",
                        d -> removeMount(container(d, CLOUD_FILE, "cloud"), "tmp")),
                defect("each replica its own storage (ReadWriteOnce)", "they must share one ReadWriteMany",
                        d -> ((ArrayNode) doc(d, CLOUD_FILE, "PersistentVolumeClaim").path("spec").path("accessModes")).removeAll().add("ReadWriteOnce")),
                defect("storage on an emptyDir", "which is not persistent",
                        d -> replace(volume(d, CLOUD_FILE, "data"), "persistentVolumeClaim", "emptyDir", YAML.createObjectNode())),
                defect("replicas started together create different keys", "podManagementPolicy OrderedReady",
                        d -> ((ObjectNode) doc(d, CLOUD_FILE, "StatefulSet").path("spec")).put("podManagementPolicy", "Parallel")),
                defect("the storage port is not exposed", "listens on 8090",
                        d -> ((ArrayNode) container(d, CLOUD_FILE, "cloud").path("ports")).remove(1)),
                defect("no public storage URL", "bulwark.storage.public-url is not set",
                        d -> removeEnv(container(d, CLOUD_FILE, "cloud"), "BULWARK_STORAGE_PUBLIC_URL")),
                defect("a public storage URL on the API's port", "https://bulwark-cloud:443 leads to container port 8443, not to the storage endpoint",
                        d -> env(container(d, CLOUD_FILE, "cloud"), "BULWARK_STORAGE_PUBLIC_URL").put("value", "https://bulwark-cloud:443")),
                defect("a Service port to no container port", "targets storag",
                        d -> ((ObjectNode) doc(d, CLOUD_FILE, "Service").path("spec").path("ports").get(1)).put("targetPort", "storag")),
                defect("localconfig.json bind-mounted as a single file", "mounted inside the home",
                        DeployManifestsTest::mountLocalConfigFile),
                defect("the home hostPath of no type", "hostPath type ''",
                        d -> ((ObjectNode) volume(d, DAEMONSET_FILE, "home").path("hostPath")).remove("type")),
                defect("the real handler without root", "the real handler needs root",
                        d -> ((ObjectNode) container(d, DAEMONSET_FILE, "agent").path("securityContext")).remove("runAsUser")),
                defect("the real handler without the node's cgroups", "/sys/fs/cgroup",
                        d -> removeMount(container(d, DAEMONSET_FILE, "agent"), "cgroup")),
                defect("a simulated fleet running real handlers", "must run --handler simulated",
                        d -> ((ArrayNode) container(d, FLEET_FILE, "agent").path("args")).set(4, "process")),
                defect("an environment variable nothing reads", "env BULWARK_STORAGE_PUBLICURL is read by nothing",
                        d -> env(container(d, CLOUD_FILE, "cloud"), "BULWARK_STORAGE_PUBLIC_URL").put("name", "BULWARK_STORAGE_PUBLICURL")),
                defect("a Kafka setting the agent does not pass on", "env KAFKA_ACKS is read by nothing",
                        d -> addEnv(container(d, FLEET_FILE, "agent"), "KAFKA_ACKS", "all")),
                defect("the Kafka password written in the manifest", "env KAFKA_SASL_JAAS_CONFIG holds a secret",
                        d -> replace(env(container(d, DAEMONSET_FILE, "agent"), "KAFKA_SASL_JAAS_CONFIG"), "valueFrom", "value", YAML.getNodeFactory().textNode(
                                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"bulwark-agent\" password=\"hunter2\";"))),
                defect("an onboarding secret on the command line", "--onboarding-secret on the command line",
                        d -> script(d, FLEET_FILE, s -> s.replace("--count", "--onboarding-secret \"$BULWARK_ONBOARDING_SECRET\" --count"))),
                defect("connect without a credential", "connect has no credential",
                        d -> removeEnv(container(d, DAEMONSET_FILE, "connect"), "BULWARK_ONBOARDING_SECRET")),
                defect("connect without the cloud's CA", "connect without --ca",
                        d -> script(d, DAEMONSET_FILE, s -> s.replace("--ca /etc/bulwark/cloud-ca/ca.crt", ""))),
                defect("connect to the storage port", "not to the cloud's API",
                        d -> script(d, FLEET_FILE, s -> s.replace("https://bulwark-cloud", "https://bulwark-cloud:8090"))),
                defect("plain http in production", "bulwark.dev.plain-http=true",
                        d -> addEnv(container(d, CLOUD_FILE, "cloud"), "BULWARK_DEV_PLAIN_HTTP", "true")),
                defect("the certificate from no Secret", "is not on a volume from a Secret",
                        d -> removeMount(container(d, CLOUD_FILE, "cloud"), "tls")),
                defect("a Secret with its values in the manifests", "a Secret with values in the manifests",
                        d -> d.add(new Document(CLOUD_FILE, (ObjectNode) YAML.createObjectNode().put("kind", "Secret")
                                .set("metadata", YAML.createObjectNode().put("name", "bulwark-cloud"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defects")
    void eachDefectIsCaught(String defect, String expected, Consumer<List<Document>> breakIt) throws IOException {
        List<Document> documents = load();
        breakIt.accept(documents);

        assertThat(new ManifestChecks(documents, modules).problems()).as(defect).anyMatch(p -> p.contains(expected));
    }

    @Test
    void theSystemdUnitRunsTheRealAgentAsRootOnItsHome() throws IOException {
        String unit = Files.readString(ROOT.resolve("deploy/systemd/bulwark-agent.service"));
        assertThat(unit).contains("Environment=BULWARK_AGENT_HOME=/var/opt/bulwark", "run --home /var/opt/bulwark", "User=root");
        assertThat(modules.get(AGENT).environmentReads).contains("BULWARK_AGENT_HOME", "BULWARK_ONBOARDING_SECRET");
        assertThat(unit).doesNotContainPattern("(?i)password\\s*=|--onboarding-secret\\s|--token\\s");
    }

    // ---------------------------------------------------------------- loading and breaking

    private static List<Document> load() throws IOException {
        List<Document> documents = new ArrayList<>();
        Path dir = ROOT.resolve("deploy/kubernetes");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (values.hasNext()) {
                        JsonNode node = values.next();
                        if (node instanceof ObjectNode object && !object.isEmpty()) {
                            documents.add(new Document(file.getFileName().toString(), object));
                        }
                    }
                }
            }
        }
        return documents;
    }

    private static Arguments defect(String name, String expected, Consumer<List<Document>> breakIt) {
        return Arguments.of(name, expected, breakIt);
    }

    private static ObjectNode doc(List<Document> documents, String file, String kind) {
        return documents.stream().filter(d -> d.file().equals(file) && d.kind().equals(kind)).findFirst().orElseThrow().node();
    }

    private static ObjectNode pod(List<Document> documents, String file) {
        return documents.stream().filter(d -> d.file().equals(file) && d.node().path("spec").has("template")).findFirst()
                .map(d -> (ObjectNode) d.node().path("spec").path("template").path("spec")).orElseThrow();
    }

    private static ObjectNode container(List<Document> documents, String file, String name) {
        ObjectNode pod = pod(documents, file);
        for (String field : List.of("initContainers", "containers")) {
            for (JsonNode container : pod.path(field)) {
                if (container.path("name").asText().equals(name)) {
                    return (ObjectNode) container;
                }
            }
        }
        throw new AssertionError("no container " + name + " in " + file);
    }

    private static ObjectNode volume(List<Document> documents, String file, String name) {
        for (JsonNode volume : pod(documents, file).path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return (ObjectNode) volume;
            }
        }
        throw new AssertionError("no volume " + name + " in " + file);
    }

    private static ObjectNode env(ObjectNode container, String name) {
        for (JsonNode entry : container.path("env")) {
            if (entry.path("name").asText().equals(name)) {
                return (ObjectNode) entry;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static void addEnv(ObjectNode container, String name, String value) {
        ((ArrayNode) container.path("env")).addObject().put("name", name).put("value", value);
    }

    private static void removeEnv(ObjectNode container, String name) {
        remove((ArrayNode) container.path("env"), name);
    }

    private static ObjectNode mount(ObjectNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(volume)) {
                return (ObjectNode) mount;
            }
        }
        throw new AssertionError("no mount of " + volume);
    }

    private static void removeMount(ObjectNode container, String volume) {
        remove((ArrayNode) container.path("volumeMounts"), volume);
    }

    private static void remove(ArrayNode entries, String name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).path("name").asText().equals(name)) {
                entries.remove(i);
                return;
            }
        }
        throw new AssertionError("no entry " + name);
    }

    private static void replace(ObjectNode node, String field, String with, JsonNode value) {
        node.remove(field);
        node.set(with, value);
    }

    private static void port(ObjectNode container, int number) {
        ((ObjectNode) container.path("ports").get(0)).put("containerPort", number);
    }

    /** Rewrites the init container's {@code sh -c} script. */
    private static void script(List<Document> documents, String file, java.util.function.UnaryOperator<String> edit) {
        ArrayNode args = (ArrayNode) container(documents, file, "connect").path("args");
        args.set(0, edit.apply(args.get(0).asText()));
    }

    /** The old DaemonSet: the host's localconfig.json bind-mounted as one file over the home's. */
    private static void mountLocalConfigFile(List<Document> documents) {
        ObjectNode pod = pod(documents, DAEMONSET_FILE);
        ((ArrayNode) pod.path("volumes")).addObject().put("name", "config").putObject("hostPath")
                .put("path", "/var/opt/bulwark/localconfig.json").put("type", "FileOrCreate");
        ((ArrayNode) container(documents, DAEMONSET_FILE, "agent").path("volumeMounts")).addObject().put("name", "config")
                .put("mountPath", "/var/opt/bulwark/localconfig.json").put("readOnly", true);
    }
}

package dev.bulwark.sim.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the Kubernetes manifests of deploy/kubernetes against what the code does ({@link ModuleFacts}): ports and
 * probes, environment variable names, volumes for what the processes write, the agent's home, root for the real
 * handler, TLS, and that no secret value is written into a manifest. Each problem is one line naming the file, the
 * object and the container.
 */
final class ManifestChecks {
    static final String CLOUD = "cloud-service";
    static final String AGENT = "agent-service";
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|PRIVATE|API_?KEY).*");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)(password\\s*=|eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+|BEGIN [A-Z ]*PRIVATE KEY|[0-9a-f]{16,}:[A-Za-z0-9+/=_-]{16,})");
    private static final Set<String> SECRET_OPTIONS = Set.of("--token", "--onboarding-secret", "--password");
    private static final Pattern SCRIPT_VARIABLE = Pattern.compile("\\$\\{?\\(?([A-Za-z_][A-Za-z0-9_]*)");
    /** Read by the base image's launcher (run-java.sh), not by the application; only with the image's entry point. */
    private static final String IMAGE_JAVA_OPTIONS = "JAVA_OPTS_APPEND";
    private static final Map<String, String> HEALTH_PATHS = Map.of(
            "readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live", "startupProbe", "/q/health/started");

    record Document(String file, ObjectNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }
    }

    private final List<Document> documents;
    private final Map<String, ModuleFacts> modules;
    private final Set<String> kafkaClientSettings = new HashSet<>();
    private final List<String> problems = new ArrayList<>();

    ManifestChecks(List<Document> documents, Map<String, ModuleFacts> modules) {
        this.documents = documents;
        this.modules = modules;
        kafkaClientSettings.addAll(ProducerConfig.configNames());
        kafkaClientSettings.addAll(ConsumerConfig.configNames());
    }

    List<String> problems() {
        problems.clear();
        for (Document document : documents) {
            if (document.kind().isEmpty()) {
                problem(document, "", "a document without kind");
            } else if (WORKLOADS.contains(document.kind())) {
                checkWorkload(document);
            } else if (document.kind().equals("Service")) {
                checkService(document);
            } else if (document.kind().equals("Secret") || document.kind().equals("ConfigMap")) {
                problem(document, "", "a " + document.kind() + " with values in the manifests: create it in the cluster (deploy/README.md)");
            }
        }
        return List.copyOf(problems);
    }

    // ---------------------------------------------------------------- workloads

    private void checkWorkload(Document workload) {
        JsonNode pod = workload.node.path("spec").path("template").path("spec");
        List<JsonNode> initContainers = list(pod.path("initContainers"));
        for (JsonNode container : initContainers) {
            checkContainer(workload, pod, container, true, initContainers);
        }
        for (JsonNode container : list(pod.path("containers"))) {
            checkContainer(workload, pod, container, false, initContainers);
        }
    }

    private void checkContainer(Document workload, JsonNode pod, JsonNode container, boolean init, List<JsonNode> initContainers) {
        String where = workload.kind() + "/" + workload.name() + " container " + container.path("name").asText();
        String module = module(container.path("image").asText());
        ModuleFacts facts = modules.get(module);
        if (facts == null) {
            problem(workload, where, "image " + container.path("image").asText() + " is none of the modules " + modules.keySet());
            return;
        }
        Map<String, String> literals = literalEnvironment(container);
        checkEnvironmentNames(workload, where, container, facts);
        checkNoSecretValues(workload, where, container);
        if (!init) {
            checkPortsAndProbes(workload, where, container, facts, literals);
        }
        if (module.equals(CLOUD) && !init) {
            checkCloud(workload, where, pod, container, facts, literals);
        }
        if (module.equals(AGENT)) {
            checkAgent(workload, where, pod, container, init, initContainers);
        }
    }

    /** Every variable set is one the code reads: a property by MicroProfile's rule, a Kafka setting it passes on, one it reads by name, or the container's own script's. */
    private void checkEnvironmentNames(Document workload, String where, JsonNode container, ModuleFacts facts) {
        Set<String> scriptVariables = new HashSet<>();
        Matcher matcher = SCRIPT_VARIABLE.matcher(String.join(" ", words(container)));
        while (matcher.find()) {
            scriptVariables.add(matcher.group(1));
        }
        for (JsonNode entry : list(container.path("env"))) {
            String name = entry.path("name").asText();
            boolean known = facts.isPropertyVariable(name) || facts.environmentReads.contains(name)
                    || scriptVariables.contains(name) || isKafkaSetting(name, facts)
                    || (name.equals(IMAGE_JAVA_OPTIONS) && container.path("command").isMissingNode());
            if (!known) {
                problem(workload, where, "env " + name + " is read by nothing in " + facts.module
                        + ": no property of it maps to that name, it is no Kafka client setting " + facts.module
                        + " passes on, and the container's command does not use it");
            }
        }
    }

    /**
     * {@code KAFKA_X_Y} is {@code kafka.x.y}: the cloud hands every {@code kafka.*} to its clients (SmallRye Kafka's
     * default configuration), the agent only what its {@code KafkaSecuritySettings.clientKey} lets through; either
     * way it must be a setting Kafka's clients know.
     */
    private boolean isKafkaSetting(String name, ModuleFacts facts) {
        if (!name.startsWith("KAFKA_")) {
            return false;
        }
        String setting = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return kafkaClientSettings.contains(setting) && facts.passesKafkaSetting(setting);
    }

    /** Secrets come from Secrets: no literal in env, command or args, no secret-named variable with a literal value. */
    private void checkNoSecretValues(Document workload, String where, JsonNode container) {
        for (JsonNode entry : list(container.path("env"))) {
            String name = entry.path("name").asText();
            if (SECRET_NAME.matcher(name).matches() && entry.path("valueFrom").path("secretKeyRef").isMissingNode()) {
                problem(workload, where, "env " + name + " holds a secret: take it from a Secret (valueFrom.secretKeyRef)");
            }
            if (entry.has("value") && SECRET_VALUE.matcher(entry.path("value").asText()).find()) {
                problem(workload, where, "env " + name + " has a secret value written in the manifest");
            }
        }
        List<String> words = words(container);
        for (String word : words) {
            if (SECRET_VALUE.matcher(word).find()) {
                problem(workload, where, "a secret value in the command line: " + abbreviate(word));
            }
            String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (SECRET_OPTIONS.contains(option)) {
                problem(workload, where, option + " on the command line (every process of the node sees it): use the"
                        + " environment from a Secret (BULWARK_ONBOARDING_SECRET, BULWARK_TOKEN)");
            }
        }
    }

    // ---------------------------------------------------------------- ports and probes

    /** The ports the code listens on, by what they are for; the health port first. */
    private Map<String, Integer> codePorts(ModuleFacts facts, Map<String, String> environment) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (facts.module.equals(CLOUD)) {
            if (plainHttp(environment)) {
                ports.put("api (plain http, bulwark.dev.plain-http)", facts.port("quarkus.http.port", environment));
            } else {
                ports.put("api (quarkus.http.ssl-port)", facts.port("quarkus.http.ssl-port", environment));
            }
            ports.put("storage (bulwark.storage.port)", facts.port("bulwark.storage.port", environment));
        } else {
            ports.put("http (quarkus.http.port)", facts.port("quarkus.http.port", environment));
        }
        return ports;
    }

    private void checkPortsAndProbes(Document workload, String where, JsonNode container, ModuleFacts facts, Map<String, String> environment) {
        Map<String, Integer> code = codePorts(facts, environment);
        Map<String, Integer> declared = containerPorts(container);
        for (Map.Entry<String, Integer> port : declared.entrySet()) {
            if (!code.containsValue(port.getValue())) {
                problem(workload, where, "containerPort " + port.getValue() + " (" + port.getKey() + ") is not a port "
                        + facts.module + " listens on: " + code);
            }
        }
        for (Map.Entry<String, Integer> port : code.entrySet()) {
            if (!declared.containsValue(port.getValue())) {
                problem(workload, where, facts.module + " listens on " + port.getValue() + ", " + port.getKey()
                        + ", which is no containerPort");
            }
        }
        Integer healthPort = code.values().iterator().next();
        boolean tls = facts.module.equals(CLOUD) && !plainHttp(environment);
        for (Map.Entry<String, String> kind : HEALTH_PATHS.entrySet()) {
            JsonNode probe = container.path(kind.getKey());
            if (probe.isMissingNode()) {
                continue;
            }
            JsonNode get = probe.path("httpGet");
            if (get.isMissingNode()) {
                problem(workload, where, kind.getKey() + " is no httpGet of " + kind.getValue());
                continue;
            }
            Integer port = resolvePort(get.path("port"), declared);
            if (!Objects.equals(port, healthPort)) {
                problem(workload, where, kind.getKey() + " port " + get.path("port").asText() + " (" + port + ") is not the port"
                        + " that serves /q/health, " + healthPort);
            }
            if (!facts.servesHealth || !get.path("path").asText().equals(kind.getValue())) {
                problem(workload, where, kind.getKey() + " path " + get.path("path").asText() + ": " + facts.module
                        + (facts.servesHealth ? " serves it at " + kind.getValue() : " has no quarkus-smallrye-health"));
            }
            String scheme = get.path("scheme").asText("HTTP");
            if (!scheme.equals(tls ? "HTTPS" : "HTTP")) {
                problem(workload, where, kind.getKey() + " scheme " + scheme + ", but " + facts.module + " serves "
                        + (tls ? "https only" : "plain http") + " on " + healthPort);
            }
        }
        if (container.path("readinessProbe").isMissingNode()) {
            problem(workload, where, "no readinessProbe (/q/health/ready)");
        }
    }

    // ---------------------------------------------------------------- the cloud

    private void checkCloud(Document workload, String where, JsonNode pod, JsonNode container, ModuleFacts facts, Map<String, String> environment) {
        Map<String, JsonNode> volumes = volumes(workload, pod);
        if (plainHttp(environment)) {
            problem(workload, where, "bulwark.dev.plain-http=true: development only, the cloud must serve https");
        }
        for (String pem : List.of("quarkus.tls.key-store.pem.0.cert", "quarkus.tls.key-store.pem.0.key")) {
            String file = facts.value(pem, environment);
            JsonNode mount = file == null ? null : mountOf(container, file);
            if (file == null) {
                problem(workload, where, pem + " is not set: the cloud refuses to start without a certificate");
            } else if (mount == null || !volumes.getOrDefault(mount.path("name").asText(), missing()).has("secret")) {
                problem(workload, where, pem + " " + file + " is not on a volume from a Secret");
            }
        }
        boolean readOnlyRoot = container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false);
        int replicas = workload.node.path("spec").path("replicas").asInt(1);
        for (String directory : List.of("bulwark.storage.dir", "bulwark.cloud.key-dir")) {
            String path = facts.value(directory, environment);
            JsonNode mount = path == null || path.contains("${") ? null : mountOf(container, path);
            if (mount == null) {
                problem(workload, where, directory + " (" + path + ") is on no volume: " + (readOnlyRoot
                        ? "the root file system is read-only" : "it would be lost with the container"));
                continue;
            }
            JsonNode volume = volumes.getOrDefault(mount.path("name").asText(), missing());
            if (mount.path("readOnly").asBoolean(false)) {
                problem(workload, where, directory + " " + path + " is on a read-only mount: the cloud writes there");
            } else if (!volume.has("persistentVolumeClaim") && !volume.has("volumeClaimTemplate")) {
                problem(workload, where, directory + " " + path + " is on volume " + mount.path("name").asText()
                        + ", which is not persistent (a PersistentVolumeClaim)");
            } else if (replicas > 1 && !sharedReadWriteMany(volume)) {
                problem(workload, where, directory + " " + path + ": " + replicas + " replicas each with its own copy;"
                        + " they must share one ReadWriteMany PersistentVolumeClaim");
            }
            if (directory.equals("bulwark.cloud.key-dir") && replicas > 1 && !mount.path("readOnly").asBoolean(false)
                    && !(workload.kind().equals("StatefulSet")
                    && !workload.node.path("spec").path("podManagementPolicy").asText("OrderedReady").equals("Parallel"))) {
                problem(workload, where, replicas + " replicas starting together on an empty key directory would each create"
                        + " a signing key: a StatefulSet with podManagementPolicy OrderedReady starts one at a time");
            }
        }
        if (readOnlyRoot) {
            String temp = "/tmp";
            JsonNode mount = mountOf(container, temp);
            if (mount == null || mount.path("readOnly").asBoolean(false)) {
                problem(workload, where, "the root file system is read-only and " + temp + " (java.io.tmpdir) is on no writable volume");
            }
        }
        String publicUrl = facts.value("bulwark.storage.public-url", environment);
        if (publicUrl == null) {
            problem(workload, where, "bulwark.storage.public-url is not set: operations would name https://localhost:"
                    + facts.port("bulwark.storage.port", environment));
        } else {
            checkServiceUrl(workload, where, publicUrl, CLOUD, facts.port("bulwark.storage.port", environment), "the storage endpoint");
        }
    }

    private boolean sharedReadWriteMany(JsonNode volume) {
        String claim = volume.path("persistentVolumeClaim").path("claimName").asText(null);
        if (claim == null) {
            return false;
        }
        return documents.stream().filter(d -> d.kind().equals("PersistentVolumeClaim") && d.name().equals(claim))
                .anyMatch(d -> list(d.node.path("spec").path("accessModes")).stream().anyMatch(m -> m.asText().equals("ReadWriteMany")));
    }

    private static boolean plainHttp(Map<String, String> environment) {
        return "true".equalsIgnoreCase(environment.getOrDefault("BULWARK_DEV_PLAIN_HTTP", "false").trim());
    }

    // ---------------------------------------------------------------- the agent

    private void checkAgent(Document workload, String where, JsonNode pod, JsonNode container, boolean init, List<JsonNode> initContainers) {
        List<String> words = words(container);
        Map<String, JsonNode> volumes = volumes(workload, pod);
        if (words.contains("--allow-plain-http")) {
            problem(workload, where, "--allow-plain-http: the cloud serves https only");
        }
        if (words.contains("connect")) {
            checkHome(workload, where, container, volumes, option(words, "--home"));
            String ca = option(words, "--ca");
            JsonNode caMount = ca == null ? null : mountOf(container, ca);
            if (caMount == null) {
                problem(workload, where, "connect without --ca on a mounted volume: the machines must pin the CA of the cloud's certificate");
            }
            String cloud = option(words, "--cloud");
            if (cloud == null) {
                problem(workload, where, "connect without --cloud");
            } else {
                checkServiceUrl(workload, where, cloud, CLOUD, cloudApiPort(), "the cloud's API");
            }
            boolean credential = list(container.path("env")).stream().anyMatch(e ->
                    Set.of("BULWARK_ONBOARDING_SECRET", "BULWARK_TOKEN").contains(e.path("name").asText())
                            && e.path("valueFrom").has("secretKeyRef"));
            if (!credential) {
                problem(workload, where, "connect has no credential: BULWARK_ONBOARDING_SECRET or BULWARK_TOKEN from a"
                        + " Secret (else it exits 2, MissingOnboardingCredential)");
            }
        }
        if (init || words.isEmpty() || !words.get(0).equals("run")) {
            return;
        }
        String home = option(words, "--home");
        checkHome(workload, where, container, volumes, home);
        boolean fleet = initContainers.stream().anyMatch(c -> words(c).contains("connect") && words(c).contains("--count"));
        String handler = Objects.requireNonNullElse(option(words, "--handler"), "auto");
        if (fleet && !handler.equals("simulated")) {
            problem(workload, where, "a simulated fleet (connect --count) must run --handler simulated, not " + handler);
        }
        if (!fleet && !handler.equals("simulated")) {
            JsonNode security = container.path("securityContext");
            int user = security.path("runAsUser").asInt(pod.path("securityContext").path("runAsUser").asInt(-1));
            if (user != 0) {
                problem(workload, where, "the real handler needs root (useradd, setpriv, cgroups): runAsUser is "
                        + (user < 0 ? "the image's" : user));
            }
            if (!security.path("privileged").asBoolean(false)) {
                problem(workload, where, "the real handler moves processes into the node's cgroups: privileged");
            }
            if (security.path("readOnlyRootFilesystem").asBoolean(false)) {
                problem(workload, where, "the real handler creates users (useradd writes /etc/passwd): the root file system must be writable");
            }
            JsonNode cgroup = mountOf(container, "/sys/fs/cgroup");
            JsonNode volume = cgroup == null ? missing() : volumes.getOrDefault(cgroup.path("name").asText(), missing());
            if (cgroup == null || !cgroup.path("mountPath").asText().equals("/sys/fs/cgroup") || cgroup.path("readOnly").asBoolean(false)
                    || !volume.path("hostPath").path("path").asText().equals("/sys/fs/cgroup")) {
                problem(workload, where, "the real handler's CPU limit and kill-all need the node's /sys/fs/cgroup, mounted read-write");
            }
        }
    }

    /** The home is a directory mount of its own: the CLI and the agent replace files in it by rename. */
    private void checkHome(Document workload, String where, JsonNode container, Map<String, JsonNode> volumes, String home) {
        if (home == null) {
            problem(workload, where, "no --home: the agent would use a folder of the image");
            return;
        }
        String path = normalize(home);
        JsonNode mount = list(container.path("volumeMounts")).stream()
                .filter(m -> normalize(m.path("mountPath").asText()).equals(path)).findFirst().orElse(null);
        if (mount == null) {
            problem(workload, where, "the home " + path + " is no volume mount of its own");
            return;
        }
        if (mount.has("subPath") || mount.has("subPathExpr")) {
            problem(workload, where, "the home " + path + " is a subPath mount");
        }
        JsonNode volume = volumes.getOrDefault(mount.path("name").asText(), missing());
        if (volume.has("hostPath")) {
            String type = volume.path("hostPath").path("type").asText("");
            if (!type.equals("Directory") && !type.equals("DirectoryOrCreate")) {
                problem(workload, where, "the home " + path + " is hostPath type '" + type + "': it must be a directory"
                        + " (Directory or DirectoryOrCreate)");
            }
        } else if (!volume.has("persistentVolumeClaim") && !volume.has("volumeClaimTemplate")) {
            problem(workload, where, "the home " + path + " is not persistent: the machines' identities and keys would be lost");
        }
        if (mount.path("readOnly").asBoolean(false)) {
            problem(workload, where, "the home " + path + " is read-only");
        }
        for (JsonNode inner : list(container.path("volumeMounts"))) {
            String innerPath = normalize(inner.path("mountPath").asText());
            if (innerPath.startsWith(path + "/")) {
                problem(workload, where, innerPath + " is mounted inside the home: a file the CLI or agent replaces by"
                        + " rename there never reaches the mount");
            }
        }
        for (Map.Entry<String, JsonNode> entry : volumes.entrySet()) {
            String type = entry.getValue().path("hostPath").path("type").asText("");
            if (type.equals("File") || type.equals("FileOrCreate")) {
                problem(workload, where, "volume " + entry.getKey() + " is a single hostPath file: a rename on either side"
                        + " replaces the file, and the other side keeps the old one");
            }
        }
    }

    private Integer cloudApiPort() {
        return modules.get(CLOUD).port("quarkus.http.ssl-port", Map.of());
    }

    // ---------------------------------------------------------------- services and URLs

    private void checkService(Document service) {
        JsonNode selector = service.node.path("spec").path("selector");
        List<Document> selected = selectedWorkloads(selector);
        String where = "Service/" + service.name();
        if (selected.isEmpty()) {
            problem(service, where, "selects no workload of the manifests");
            return;
        }
        for (JsonNode port : list(service.node.path("spec").path("ports"))) {
            JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
            if (targetPort(selected, target) == null) {
                problem(service, where, "port " + port.path("name").asText() + " targets " + target.asText()
                        + ", which no container of " + selected.stream().map(Document::name).toList() + " declares");
            }
        }
    }

    /** An https URL naming one of the Services: its port leads to {@code expectedPort} of {@code module}'s container. */
    private void checkServiceUrl(Document workload, String where, String url, String module, Integer expectedPort, String what) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            problem(workload, where, url + " is no URL");
            return;
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            problem(workload, where, url + ": " + what + " is served over https only");
            return;
        }
        String host = uri.getHost().split("\\.")[0];
        Document service = documents.stream().filter(d -> d.kind().equals("Service") && d.name().equals(host)).findFirst().orElse(null);
        if (service == null) {
            return; // A name outside these manifests (a load balancer, an ingress): nothing to check here.
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        JsonNode servicePort = list(service.node.path("spec").path("ports")).stream()
                .filter(p -> p.path("port").asInt() == port).findFirst().orElse(null);
        List<Document> selected = selectedWorkloads(service.node.path("spec").path("selector"));
        Integer target = servicePort == null ? null
                : targetPort(selected, servicePort.has("targetPort") ? servicePort.path("targetPort") : servicePort.path("port"));
        boolean rightModule = selected.stream().anyMatch(d -> containers(d).stream().anyMatch(c -> module.equals(module(c.path("image").asText()))));
        if (target == null || !rightModule || !Objects.equals(target, expectedPort)) {
            problem(workload, where, url + " leads to " + (servicePort == null ? "no port of Service " + host
                    : "container port " + target) + ", not to " + what + " (" + expectedPort + ")");
        }
    }

    private List<Document> selectedWorkloads(JsonNode selector) {
        List<Document> selected = new ArrayList<>();
        if (!selector.isObject() || selector.isEmpty()) {
            return selected;
        }
        for (Document document : documents) {
            if (WORKLOADS.contains(document.kind())) {
                JsonNode labels = document.node.path("spec").path("template").path("metadata").path("labels");
                boolean matches = true;
                for (Map.Entry<String, JsonNode> label : iterable(selector)) {
                    matches &= label.getValue().asText().equals(labels.path(label.getKey()).asText(null));
                }
                if (matches) {
                    selected.add(document);
                }
            }
        }
        return selected;
    }

    private Integer targetPort(List<Document> workloads, JsonNode target) {
        for (Document workload : workloads) {
            for (JsonNode container : list(workload.node.path("spec").path("template").path("spec").path("containers"))) {
                Integer port = resolvePort(target, containerPorts(container));
                if (port != null) {
                    return port;
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    private static Integer resolvePort(JsonNode port, Map<String, Integer> declared) {
        if (port.isInt() || port.asText().matches("\\d+")) {
            int number = port.asInt();
            return declared.containsValue(number) ? number : null;
        }
        return declared.get(port.asText());
    }

    /** Container ports by name (unnamed: by number). */
    private static Map<String, Integer> containerPorts(JsonNode container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (JsonNode port : list(container.path("ports"))) {
            int number = port.path("containerPort").asInt();
            ports.put(port.path("name").asText(String.valueOf(number)), number);
        }
        return ports;
    }

    /** The volumes of a pod, the StatefulSet's claim templates as {@code {volumeClaimTemplate: ...}}. */
    private static Map<String, JsonNode> volumes(Document workload, JsonNode pod) {
        Map<String, JsonNode> volumes = new HashMap<>();
        for (JsonNode volume : list(pod.path("volumes"))) {
            volumes.put(volume.path("name").asText(), volume);
        }
        for (JsonNode template : list(workload.node.path("spec").path("volumeClaimTemplates"))) {
            ObjectNode claim = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            claim.set("volumeClaimTemplate", template);
            volumes.put(template.path("metadata").path("name").asText(), claim);
        }
        return volumes;
    }

    /** The mount that holds {@code path} (the deepest one whose mountPath is it or a parent of it). */
    private static JsonNode mountOf(JsonNode container, String path) {
        String normalized = normalize(path);
        JsonNode best = null;
        for (JsonNode mount : list(container.path("volumeMounts"))) {
            String mountPath = normalize(mount.path("mountPath").asText());
            if ((normalized.equals(mountPath) || normalized.startsWith(mountPath.equals("/") ? "/" : mountPath + "/"))
                    && (best == null || mountPath.length() > normalize(best.path("mountPath").asText()).length())) {
                best = mount;
            }
        }
        return best;
    }

    /** The env entries with a literal value. */
    private static Map<String, String> literalEnvironment(JsonNode container) {
        Map<String, String> environment = new HashMap<>();
        for (JsonNode entry : list(container.path("env"))) {
            if (entry.has("value")) {
                environment.put(entry.path("name").asText(), entry.path("value").asText());
            } else {
                environment.put(entry.path("name").asText(), "${" + entry.path("name").asText() + "}");
            }
        }
        return environment;
    }

    /** command and args, split into words (a {@code sh -c} script too), quotes removed. */
    static List<String> words(JsonNode container) {
        List<String> words = new ArrayList<>();
        for (String field : List.of("command", "args")) {
            for (JsonNode value : list(container.path(field))) {
                Arrays.stream(value.asText().trim().split("\\s+")).filter(w -> !w.isEmpty())
                        .map(w -> w.replace("\"", "").replace("'", "")).forEach(words::add);
            }
        }
        return words;
    }

    private static String option(List<String> words, String name) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals(name) && i + 1 < words.size()) {
                return words.get(i + 1);
            }
            if (words.get(i).startsWith(name + "=")) {
                return words.get(i).substring(name.length() + 1);
            }
        }
        return null;
    }

    static String module(String image) {
        String name = image.contains("/") ? image.substring(image.lastIndexOf('/') + 1) : image;
        return name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    }

    private static List<JsonNode> containers(Document workload) {
        List<JsonNode> all = new ArrayList<>(list(workload.node.path("spec").path("template").path("spec").path("initContainers")));
        all.addAll(list(workload.node.path("spec").path("template").path("spec").path("containers")));
        return all;
    }

    private static String normalize(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        }
        return items;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private static JsonNode missing() {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String abbreviate(String word) {
        return word.length() <= 12 ? "***" : word.substring(0, 6) + "***";
    }

    private void problem(Document document, String where, String message) {
        problems.add(document.file() + ": " + (where.isEmpty() ? document.kind() + "/" + document.name() : where) + ": " + message);
    }
}

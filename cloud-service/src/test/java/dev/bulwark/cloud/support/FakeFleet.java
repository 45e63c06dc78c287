package dev.bulwark.cloud.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.infra.KafkaUser;
import dev.bulwark.model.AgentConfiguration;
import dev.bulwark.model.AgentReport;
import dev.bulwark.model.ErrorCode;
import dev.bulwark.model.ExtensionId;
import dev.bulwark.model.ExtensionOperation;
import dev.bulwark.model.Json;
import dev.bulwark.model.MachineIds;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;
import dev.bulwark.model.Topics;
import dev.bulwark.model.crypto.Ed25519;
import dev.bulwark.model.crypto.MessageSigner;
import dev.bulwark.model.crypto.OperationVerifier;
import dev.bulwark.model.crypto.SealedBox;
import dev.bulwark.model.policy.Decision;
import dev.bulwark.model.policy.ExtensionPolicy;
import dev.bulwark.model.policy.LocalRules;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;

/**
 * Machines of one resource group played by the test, registered in bulk: each reports the local rules the
 * test gives it and answers every operation the cloud sends it as an agent would decide it
 * ({@link ExtensionPolicy#decide} on its rules), after checking the batch signature and opening its sealed
 * settings. A machine listed in {@link #failing} answers Failed (a handler failure) when its rules allow.
 */
public final class FakeFleet implements AutoCloseable {
    public static final String FLEET_API_VERSION = "2026-12-01";

    public final String subscription = "sub-test";
    public final String resourceGroup = "fleet-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Member> members = new LinkedHashMap<>();
    /** Machine names that answer Failed/ExtensionHandlerFailed when their rules allow the operation. */
    public final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** While true, operations are received but not answered; {@link #answerHeld()} answers them. */
    private boolean holding;
    private final List<Map.Entry<Member, ExtensionOperation>> held = new ArrayList<>();
    /** Every operation received, in order, as verified. */
    public final List<ExtensionOperation> received = new CopyOnWriteArrayList<>();
    /** Protected settings each machine opened, by operation id. */
    public final Map<String, String> opened = new ConcurrentHashMap<>();
    private final Thread responder;
    private volatile boolean running = true;
    private volatile OperationVerifier verifier;

    private static final class Member {
        final String name;
        final KeyPair signing = Ed25519.generate();
        final KeyPair encryption = SealedBox.generateKeyPair();
        volatile AgentConfiguration configuration;
        volatile Map<String, String> tags = Map.of();

        Member(String name) {
            this.name = name;
        }
    }

    public FakeFleet(String... names) {
        for (String name : names) {
            members.put(MachineIds.resourceId(subscription, resourceGroup, name), new Member(name));
        }
        responder = new Thread(this::respond, "fake-fleet-" + resourceGroup);
        responder.setDaemon(true);
    }

    /** Names machine-1..machine-{count}. */
    public static FakeFleet of(int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = "machine-" + (i + 1);
        }
        return new FakeFleet(names);
    }

    public FakeFleet tag(String name, Map<String, String> tags) {
        member(name).tags = Map.copyOf(tags);
        return this;
    }

    /** Registers every machine in one bulk request and starts answering operations. */
    public FakeFleet register() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("location", "westeurope");
        ArrayNode machines = body.putArray("machines");
        for (Member member : members.values()) {
            ObjectNode machine = machines.addObject().put("name", member.name).put("agentVersion", "1.0.0");
            machine.putObject("agentPublicKeys").put("signing", Ed25519.encodePublic(member.signing.getPublic()))
                    .put("encryption", Ed25519.encodePublic(member.encryption.getPublic()));
            if (!member.tags.isEmpty()) {
                ObjectNode tags = machine.putObject("tags");
                member.tags.forEach(tags::put);
            }
        }
        JsonPath answer = given().contentType(ContentType.JSON).body(body.toString()).queryParam("api-version", FLEET_API_VERSION)
                .post(fleetPath() + "/registerMachines").then().statusCode(200).extract().jsonPath();
        verifier = new OperationVerifier(Ed25519.verifyingKey(Ed25519.decodePublic(answer.getString("properties.cloudSigningKey"))));
        responder.start();
        return this;
    }

    public String fleetPath() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup + "/providers/Bulwark.Fleet";
    }

    public String rolloutPath(String name) {
        return fleetPath() + "/extensionRollouts/" + name;
    }

    public String machineId(String name) {
        return MachineIds.resourceId(subscription, resourceGroup, name);
    }

    public List<String> names() {
        return members.values().stream().map(m -> m.name).toList();
    }

    /**
     * {@code name}'s local rules, reported now with {@code changedAt} (the time of the local change) and
     * applied to every operation it decides from now on.
     */
    public void rules(String name, List<String> allowlist, List<String> blocklist, boolean enabled, String mode,
                      String invalid, Instant changedAt) {
        Member member = member(name);
        member.configuration = new AgentConfiguration(ids(allowlist), ids(blocklist), enabled, true, mode, true, List.of(),
                "", List.of(), invalid, changedAt.truncatedTo(ChronoUnit.MICROS));
        AgentReport report = MessageSigner.sign(new AgentReport(AgentReport.SCHEMA_VERSION, machineId(name), "1.0.0",
                member.configuration, List.of(), Instant.now(), null), member.signing.getPrivate());
        TestKafka.send(Topics.AGENT_REPORTS, machineId(name), Json.encode(report));
    }

    public void rules(String name, List<String> allowlist, List<String> blocklist) {
        rules(name, allowlist, blocklist, true, "full", null, Instant.now());
    }

    private static List<ExtensionId> ids(List<String> entries) {
        return entries.stream().map(ExtensionId::parse).toList();
    }

    private Member member(String name) {
        Member member = members.get(machineId(name));
        if (member == null) {
            throw new IllegalArgumentException("no machine " + name + " in this fleet");
        }
        return member;
    }

    private void respond() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TestKafka.readerConfig(KafkaUser.AGENT))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.EXTENSION_OPERATIONS).stream()
                    .map(info -> new TopicPartition(Topics.EXTENSION_OPERATIONS, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Member member = record.key() == null ? null : members.get(new String(record.key(), StandardCharsets.UTF_8));
                    if (member != null) {
                        receive(member, record.value());
                    }
                }
            }
        }
    }

    /** From now on, operations are received (and verified) but answered only by {@link #answerHeld()}. */
    public FakeFleet hold() {
        synchronized (held) {
            holding = true;
        }
        return this;
    }

    /** Answers every operation held so far, and those to come at once. */
    public void answerHeld() {
        synchronized (held) {
            holding = false;
            held.forEach(entry -> answer(entry.getKey(), entry.getValue()));
            held.clear();
        }
    }

    private void receive(Member member, byte[] value) {
        JsonNode tree = Json.tree(value);
        if (!verifier.verify(tree)) {
            throw new IllegalStateException("an operation for " + member.name + " does not verify");
        }
        ExtensionOperation operation = Json.decodeTree(tree, ExtensionOperation.class, ExtensionOperation.SCHEMA_VERSION);
        received.add(operation);
        synchronized (held) {
            if (holding) {
                held.add(Map.entry(member, operation));
                return;
            }
        }
        answer(member, operation);
    }

    private void answer(Member member, ExtensionOperation operation) {
        if (operation.extension().protectedSettings() != null) {
            try {
                opened.put(operation.operationId(), new String(SealedBox.open(operation.extension().protectedSettings(),
                        member.encryption.getPrivate(), operation.machineId(), operation.operationId()), StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("sealed settings for " + member.name + " do not open", e);
            }
        }
        AgentConfiguration configuration = member.configuration;
        LocalRules rules = configuration == null ? LocalRules.DEFAULT : LocalRules.reported(configuration);
        Decision decision = ExtensionPolicy.decide(rules, operation.extension().id(), operation.kind());
        ResultStatus status = decision.allowed() && !failing.contains(member.name) ? ResultStatus.Succeeded : ResultStatus.Failed;
        String errorCode = decision.allowed() ? (status == ResultStatus.Failed ? ErrorCode.ExtensionHandlerFailed.name() : null)
                : decision.errorCode().name();
        OperationResult result = MessageSigner.sign(new OperationResult(OperationResult.SCHEMA_VERSION,
                operation.operationId(), operation.machineId(), operation.extension().name(), operation.kind(), status,
                errorCode, decision.message(), null, configuration == null ? null : configuration.changedAt(), Instant.now(),
                null), member.signing.getPrivate());
        TestKafka.send(Topics.EXTENSION_RESULTS, operation.machineId(), Json.encode(result));
    }

    /** The operations received for {@code name}. */
    public List<ExtensionOperation> receivedBy(String name) {
        List<ExtensionOperation> mine = new ArrayList<>();
        for (ExtensionOperation operation : received) {
            if (operation.machineId().equals(machineId(name))) {
                mine.add(operation);
            }
        }
        return mine;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        responder.join(5_000);
    }
}

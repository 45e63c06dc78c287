package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A registered machine: its identity, public keys, and what its latest agent report said. */
@Entity
@Table(name = "machine")
public class MachineEntity {
    /** {@code MachineIds.resourceId}: lower case, the Kafka key and the machineId of every message. */
    @Id
    @Column(name = "resource_id")
    public String resourceId;
    @Column(name = "subscription_id")
    public String subscriptionId;
    @Column(name = "resource_group")
    public String resourceGroup;
    public String name;
    public String location;
    @Column(name = "signing_key")
    public String signingKey;
    @Column(name = "encryption_key")
    public String encryptionKey;
    @Column(name = "agent_version")
    public String agentVersion;
    @Column(name = "registered_at")
    public Instant registeredAt;
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;
    @Column(name = "connected_since")
    public Instant connectedSince;
    @Column(name = "last_report_sent_at")
    public Instant lastReportSentAt;
    @Column(name = "agent_configuration")
    public String agentConfiguration;
}

package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A signed cloud-to-agent message (ExtensionOperation or GuestAssignment) waiting to be published, written
 * in the transaction that decided it. Deleted by the relay once Kafka acknowledged it.
 */
@Entity
@Table(name = "outbox")
public class OutboxMessageEntity {
    /** Insertion order is publishing order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** {@code Topics.EXTENSION_OPERATIONS} or {@code Topics.GUEST_ASSIGNMENTS}. */
    public String topic;
    /** The record key. */
    @Column(name = "machine_id")
    public String machineId;
    /** The record value: the signed message's JSON (protected settings only in sealed form). */
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
}

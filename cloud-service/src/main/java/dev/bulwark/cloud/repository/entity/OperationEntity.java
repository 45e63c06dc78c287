package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One extension operation sent to one machine, and its outcome once the agent reported it. */
@Entity
@Table(name = "operation")
public class OperationEntity {
    @Id
    @Column(name = "operation_id")
    public UUID operationId;
    /** What ARM clients poll: this operation, or the shared id of one upgradeExtensions request. */
    @Column(name = "async_operation_id")
    public UUID asyncOperationId;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "subscription_id")
    public String subscriptionId;
    @Column(name = "resource_group")
    public String resourceGroup;
    @Column(name = "machine_id")
    public String machineId;
    @Column(name = "extension_id")
    public UUID extensionId;
    @Column(name = "extension_resource_id")
    public String extensionResourceId;
    @Column(name = "extension_name")
    public String extensionName;
    public String publisher;
    @Column(name = "extension_type")
    public String extensionType;
    @Column(name = "extension_version")
    public String extensionVersion;
    public String kind;
    @Column(name = "operation_name")
    public String operationName;
    public String caller;
    public String status;
    @Column(name = "start_time")
    public Instant startTime;
    @Column(name = "end_time")
    public Instant endTime;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
}

package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One activity-log event (a Started event, or the outcome of an operation). */
@Entity
@Table(name = "activity_event")
public class ActivityEventEntity {
    /** Database order; the tie-breaker of the (eventTimestamp, id) paging key. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "event_data_id")
    public UUID eventDataId;
    @Column(name = "subscription_id")
    public String subscriptionId;
    @Column(name = "resource_group")
    public String resourceGroup;
    @Column(name = "resource_id")
    public String resourceId;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "operation_id")
    public UUID operationId;
    @Column(name = "operation_name")
    public String operationName;
    @Column(name = "event_name")
    public String eventName;
    public String status;
    @Column(name = "sub_status")
    public String subStatus;
    public String level;
    public String caller;
    @Column(name = "event_timestamp")
    public Instant eventTimestamp;
    @Column(name = "submission_timestamp")
    public Instant submissionTimestamp;
    @Column(name = "status_code")
    public String statusCode;
    @Column(name = "error_code")
    public String errorCode;
    public String message;
}

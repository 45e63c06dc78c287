package dev.bulwark.cloud.repository.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** The desired state of one extension on one machine, and what the latest result said about it. */
@Entity
@Table(name = "extension")
public class ExtensionEntity {
    @Id
    public UUID id;
    @Column(name = "machine_id")
    public String machineId;
    public String name;
    @Column(name = "name_key")
    public String nameKey;
    public String location;
    public String publisher;
    public String type;
    @Column(name = "type_handler_version")
    public String typeHandlerVersion;
    /** The version an agent last reported installed; null while the extension was never installed. */
    @Column(name = "installed_version")
    public String installedVersion;
    /** Public settings as JSON text. */
    public String settings;
    @Column(name = "auto_upgrade_minor_version")
    public boolean autoUpgradeMinorVersion;
    @Column(name = "enable_automatic_upgrade")
    public boolean enableAutomaticUpgrade;
    @Column(name = "force_update_tag")
    public String forceUpdateTag;
    @Column(name = "provisioning_state")
    public String provisioningState;
    /** InstanceView JSON from the latest result. */
    @Column(name = "instance_view")
    public String instanceView;
    @Column(name = "last_operation_id")
    public UUID lastOperationId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

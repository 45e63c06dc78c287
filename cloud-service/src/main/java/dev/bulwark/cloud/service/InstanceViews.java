package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.OperationRow;
import dev.bulwark.model.InstanceView;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;

/**
 * The instance view shown after a result. Name, type and version are the cloud's (what it asked for);
 * the status is the agent's on success, and on failure states the error code, so a script can read the
 * refusal from {@code instanceView.status.code} ({@code ProvisioningState/failed/<errorCode>}).
 */
public final class InstanceViews {
    /** Arc caps extension status messages at 1 KB. */
    public static final int MAX_MESSAGE = 1024;

    private InstanceViews() {
    }

    public static InstanceView of(OperationRow operation, OperationResult result) {
        InstanceView.Status agentStatus = result.instanceView() == null ? null : result.instanceView().status();
        InstanceView.Status status;
        if (result.status() == ResultStatus.Succeeded) {
            status = agentStatus != null
                    ? new InstanceView.Status(agentStatus.code(), agentStatus.level(), agentStatus.displayStatus(),
                    cap(agentStatus.message()), agentStatus.time() != null ? agentStatus.time() : result.finishedAt())
                    : new InstanceView.Status("ProvisioningState/succeeded", "Info", "Provisioning succeeded",
                    cap(result.message()), result.finishedAt());
        } else {
            String code = "ProvisioningState/failed" + (result.errorCode() == null ? "" : "/" + cap(result.errorCode()));
            status = new InstanceView.Status(code, "Error", "Provisioning failed", cap(result.message()), result.finishedAt());
        }
        return new InstanceView(operation.extensionName(), operation.extensionType(), operation.extensionVersion(), status);
    }

    public static String cap(String text) {
        return text == null || text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE);
    }
}

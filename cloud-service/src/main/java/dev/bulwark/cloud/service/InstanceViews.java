package dev.bulwark.cloud.service;

import dev.bulwark.cloud.repository.row.OperationRow;
import dev.bulwark.model.InstanceView;
import dev.bulwark.model.OperationResult;
import dev.bulwark.model.ResultStatus;

import java.util.List;

/**
 * The instance view shown after a result. Name, type and version are the cloud's (what it asked for);
 * the status is the agent's on success, and on failure states the error code, so a script can read the
 * refusal from {@code instanceView.status.code} ({@code ProvisioningState/failed/<errorCode>}).
 */
public final class InstanceViews {
    /** Arc caps extension status messages at 1 KB. */
    public static final int MAX_MESSAGE = 1024;
    /** The handler protocol cuts substatus fields at 10 KB. */
    static final int MAX_SUBSTATUS_MESSAGE = 10 * 1024;
    static final int MAX_SUBSTATUSES = 16;

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
        return new InstanceView(operation.extensionName(), operation.extensionType(), operation.extensionVersion(), status,
                substatuses(result));
    }

    /** The handler's substatuses (a real agent's), each field capped, at most {@value #MAX_SUBSTATUSES}. */
    private static List<InstanceView.Status> substatuses(OperationResult result) {
        if (result.instanceView() == null || result.instanceView().substatuses() == null) {
            return null;
        }
        return result.instanceView().substatuses().stream().limit(MAX_SUBSTATUSES)
                .map(s -> new InstanceView.Status(cap(s.code()), cap(s.level()), cap(s.displayStatus()),
                        capSubstatus(s.message()), s.time()))
                .toList();
    }

    private static String capSubstatus(String text) {
        return text == null || text.length() <= MAX_SUBSTATUS_MESSAGE ? text : text.substring(0, MAX_SUBSTATUS_MESSAGE);
    }

    public static String cap(String text) {
        return text == null || text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE);
    }
}

package dev.bulwark.sim.baseline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import dev.bulwark.model.MachineIds;

/**
 * Record keys and values of the baseline. A value starts with its operation id, as Bulwark's JSON
 * carries one, so the agent and the projection read it instead of trusting offsets; the rest is padding
 * up to the requested size.
 */
final class Payloads {

    static final int ID_LENGTH = 36;

    private Payloads() {
    }

    /** A machine-like key, as Bulwark keys every record by the machine's resource id. */
    static byte[] machineKey(int machine) {
        return MachineIds.resourceId("s", "rg", String.format("sim-%06d", machine)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(UUID operationId, int size) {
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) ' ');
        byte[] id = operationId.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, value, 0, ID_LENGTH);
        return value;
    }

    static UUID operationId(byte[] value) {
        return UUID.fromString(new String(value, 0, ID_LENGTH, StandardCharsets.US_ASCII));
    }
}

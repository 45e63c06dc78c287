package dev.bulwark.cloud.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The registered signing keys of the machines in a batch of records: one query per batch. */
@ApplicationScoped
public class MachineKeyRepository {
    @Inject
    Pool pool;

    /** Resource id to base64 X.509 Ed25519 key; machines that are not registered are absent. */
    public Uni<Map<String, String>> signingKeys(Collection<String> machineIds) {
        if (machineIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT resource_id, signing_key FROM machine WHERE resource_id = ANY($1)")
                .execute(Tuple.of(machineIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, String> keys = new HashMap<>();
                    for (Row row : rows) {
                        keys.put(row.getString(0), row.getString(1));
                    }
                    return keys;
                });
    }
}

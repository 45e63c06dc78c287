package dev.bulwark.cloud.repository;

import dev.bulwark.cloud.security.BuiltInRoles;
import dev.bulwark.cloud.security.RoleAssignment;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.bulwark.cloud.repository.Sql.utc;

/** Stored role assignments: read on every API call by principal (indexed), managed through the API by scope. */
@ApplicationScoped
public class RoleAssignmentRepository {
    private static final String COLUMNS = "name, scope, role_definition_id, principal_id";

    @Inject
    Pool pool;

    public Uni<List<RoleAssignment>> forPrincipal(String principalId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM role_assignment WHERE principal_id = $1")
                .execute(Tuple.of(principalId)).map(RoleAssignmentRepository::assignments);
    }

    /** The assignment {@code name}, if it exists at {@code scope}. */
    public Uni<RoleAssignment> find(String scope, String name) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM role_assignment WHERE name = $1 AND lower(scope) = lower($2)")
                .execute(Tuple.of(name, scope))
                .map(rows -> assignments(rows).stream().findFirst().orElse(null));
    }

    /** Assignments at {@code scope} or below it ({@code atScope} false) or only exactly at it. */
    public Uni<List<RoleAssignment>> list(String scope, boolean atScopeOnly) {
        String where = atScopeOnly ? "lower(scope) = lower($1)"
                : "(lower(scope) = lower($1) OR lower(scope) LIKE lower($1) || '/%' OR $1 = '/')";
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM role_assignment WHERE " + where + " ORDER BY name")
                .execute(Tuple.of(scope)).map(RoleAssignmentRepository::assignments);
    }

    /** Creates it, or answers the one of that name when it is identical; false when the name is taken otherwise. */
    public Uni<Boolean> create(RoleAssignment assignment, String createdBy, Instant at) {
        return pool.preparedQuery("INSERT INTO role_assignment (name, scope, role_definition_id, principal_id, created_by, created_at)"
                        + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING")
                .execute(Tuple.from(List.of(assignment.name(), assignment.scope(), assignment.role().id(),
                        assignment.principalId(), createdBy, utc(at))))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> delete(String scope, String name) {
        return pool.preparedQuery("DELETE FROM role_assignment WHERE name = $1 AND lower(scope) = lower($2)")
                .execute(Tuple.of(name, scope)).map(rows -> rows.rowCount() == 1);
    }

    private static List<RoleAssignment> assignments(RowSet<Row> rows) {
        List<RoleAssignment> assignments = new ArrayList<>();
        for (Row row : rows) {
            // A definition removed from BuiltInRoles grants nothing any more.
            BuiltInRoles.find(row.getString(2)).ifPresent(role ->
                    assignments.add(new RoleAssignment(row.getString(0), row.getString(1), role, row.getString(3))));
        }
        return assignments;
    }
}

-- Azure RBAC role assignments managed through .../providers/Microsoft.Authorization/roleAssignments.
CREATE TABLE role_assignment (
    name               text PRIMARY KEY,       -- a GUID, as ARM names them
    scope              text NOT NULL,          -- '/', a subscription, resource group, machine or publisher namespace
    role_definition_id text NOT NULL,          -- the role's GUID (BuiltInRoles)
    principal_id       text NOT NULL,          -- the token's oid (else sub)
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL
);
CREATE INDEX role_assignment_principal ON role_assignment (principal_id);
CREATE INDEX role_assignment_scope ON role_assignment (lower(scope) text_pattern_ops);

-- Onboarding secrets (SSM hybrid activations): a code that registers up to registration_limit new machines
-- into one resource group until expires_at. Only the code's SHA-256 is kept; the code is shown once.
CREATE TABLE onboarding_secret (
    id                 uuid PRIMARY KEY,
    subscription_id    text NOT NULL,
    resource_group     text NOT NULL,
    name               text NOT NULL,
    code_sha256        text NOT NULL,
    expires_at         timestamptz NOT NULL,
    registration_limit integer NOT NULL CHECK (registration_limit > 0),
    registrations      integer NOT NULL DEFAULT 0 CHECK (registrations <= registration_limit),
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL,
    UNIQUE (subscription_id, resource_group, name)
);

-- Azure's activity-log field authorization {action, role, scope}: what allowed the request, as JSON.
ALTER TABLE activity_event ADD COLUMN authorization_json text;
ALTER TABLE operation ADD COLUMN authorization_json text;
ALTER TABLE rollout ADD COLUMN authorization_json text;

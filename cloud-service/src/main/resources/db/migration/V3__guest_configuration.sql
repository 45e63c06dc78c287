-- Guest configuration assignments (audit rule sets machines evaluate) and a topic per outbox row.

-- One row per assignment resource. Each PUT issues a new version with a new assignment_id: that id is
-- the GuestAssignment message's assignmentId, reports name it, so a late report of an earlier version
-- never shows as the compliance of the current one.
CREATE TABLE guest_assignment (
    id                       uuid        PRIMARY KEY,
    machine_id               text        NOT NULL REFERENCES machine (resource_id) ON DELETE CASCADE,
    name                     text        NOT NULL,
    name_key                 text        NOT NULL,   -- lower(name): ARM names are case-insensitive
    location                 text        NOT NULL,
    configuration_name       text        NOT NULL,
    configuration_version    text,
    rules                    text        NOT NULL,   -- JSON [{id, kind, path, pattern}]
    assignment_id            uuid        NOT NULL,   -- the current version
    correlation_id           text        NOT NULL,   -- of the PUT that issued it: its outcome event continues that story
    caller                   text        NOT NULL,
    compliance_status        text        NOT NULL,   -- Pending | Compliant | NonCompliant | NotEvaluated
    last_compliance_checked  timestamptz,            -- evaluatedAt of the report shown (agent clock; orders reports)
    report_error_code        text,
    report_message           text,
    report_resources         text,                   -- JSON [{id, complianceStatus, reason}]
    first_reported_at        timestamptz,            -- set once per version: its outcome event is logged once
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    CONSTRAINT guest_assignment_machine_name UNIQUE (machine_id, name_key),
    CONSTRAINT guest_assignment_version UNIQUE (assignment_id)
);

-- The outbox now carries guest assignments too. Rows written before this migration are extension
-- operations; the topic name comes from Topics through a Flyway placeholder (TopicNamesConfigSource).
ALTER TABLE outbox ADD COLUMN topic text;
UPDATE outbox SET topic = '${extensionOperationsTopic}';
ALTER TABLE outbox ALTER COLUMN topic SET NOT NULL;

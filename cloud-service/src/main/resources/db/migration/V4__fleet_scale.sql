-- Fleet scale: rollouts (one request, every machine of a target), outbox rows that carry a batch of
-- messages, results claimed by their operation's status, machine tags, and the decision inputs of each
-- machine's latest report (what rollouts predict from).

-- One outbox row holds a batch of messages for one topic, each with its key: a rollout chunk of 1,000
-- machines is one INSERT and one DELETE instead of 1,000 of each. Unsent rows become batches of one.
ALTER TABLE outbox ADD COLUMN machine_ids text[];
ALTER TABLE outbox ADD COLUMN payloads text[];
UPDATE outbox SET machine_ids = ARRAY[machine_id], payloads = ARRAY[payload];
ALTER TABLE outbox ALTER COLUMN machine_ids SET NOT NULL;
ALTER TABLE outbox ALTER COLUMN payloads SET NOT NULL;
ALTER TABLE outbox DROP COLUMN machine_id;
ALTER TABLE outbox DROP COLUMN payload;
-- Signed messages compress little and are read once: spare PostgreSQL the compression.
ALTER TABLE outbox ALTER COLUMN payloads SET STORAGE EXTERNAL;

-- A result is applied by the one transaction that moves its operation out of InProgress (the row lock
-- serializes redeliveries), so a separate table of processed ids is no longer needed.
DROP TABLE processed_result;

-- Which rollout issued an operation (null for single requests): its result counts toward that rollout.
ALTER TABLE operation ADD COLUMN rollout_id uuid;

ALTER TABLE machine ADD COLUMN tags jsonb NOT NULL DEFAULT '{}';
-- The decision inputs of the latest report (LocalRules as canonical JSON; null before the first report)
-- and when the machine's local configuration last changed (agent clock), for rollout predictions.
ALTER TABLE machine ADD COLUMN local_rules text;
ALTER TABLE machine ADD COLUMN config_changed_at timestamptz;
CREATE INDEX machine_group ON machine (subscription_id, lower(resource_group), resource_id);

-- Rows that every operation updates (its operation, its extension, its machine's report) leave room on
-- their page, so an update of columns no index covers stays on the page and adds no index entry (a HOT
-- update): at a fleet's rate, index maintenance is most of what these updates cost.
ALTER TABLE operation SET (fillfactor = 80);
ALTER TABLE extension SET (fillfactor = 80);
ALTER TABLE machine SET (fillfactor = 80);
CREATE INDEX machine_tags ON machine USING gin (tags jsonb_path_ops);

-- The activity log of one request (a rollout logs two events per machine under one correlation id) is
-- read newest first by keyset, like the other filters.
DROP INDEX activity_event_correlation;
CREATE INDEX activity_event_correlation_time ON activity_event (correlation_id, event_timestamp DESC, id DESC);

-- A fleet-wide operation: the definition as accepted (protected settings never stored: they are sealed
-- to each machine in rollout_machine until issued), and where it stands.
CREATE TABLE rollout (
    id                 uuid        PRIMARY KEY,   -- this run; what clients poll
    subscription_id    text        NOT NULL,
    resource_group     text        NOT NULL,
    name               text        NOT NULL,
    name_key           text        NOT NULL,      -- lower(resource_group) || '/' || lower(name)
    location           text        NOT NULL,
    definition         text        NOT NULL,      -- JSON: operation, extension (no protectedSettings), target, strategy
    what_if            boolean     NOT NULL,
    state              text        NOT NULL,      -- Running | Canceling | Succeeded | Failed | Canceled | WhatIf
    current_stage      integer     NOT NULL,
    stage_count        integer     NOT NULL,
    next_step_at       timestamptz NOT NULL,      -- the driver looks at it again from then (pauses between stages)
    message            text,                      -- why it halted or stopped
    prediction         text        NOT NULL,      -- JSON summary of the what-if, fixed at acceptance
    caller             text        NOT NULL,
    correlation_id     text        NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    end_time           timestamptz,
    CONSTRAINT rollout_name UNIQUE (subscription_id, name_key)
);
CREATE INDEX rollout_due ON rollout (next_step_at) WHERE state IN ('Running', 'Canceling');

-- Every machine of a rollout's target, fixed at acceptance, with its stage, its operation id (the sealed
-- settings are bound to it), its state and the prediction made from its last report. A stage is issued in
-- machine id order, so what was sent is "machine_id <= rollout_stage.issued_through": issuing a chunk writes
-- one stage row, not a thousand machine rows. A machine stays Pending until its outcome arrives.
CREATE TABLE rollout_machine (
    rollout_id            uuid    NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    machine_id            text    NOT NULL,
    stage                 integer NOT NULL,
    operation_id          uuid    NOT NULL,
    state                 text    NOT NULL,     -- Pending | Succeeded | Failed | Blocked | Skipped
    error_code            text,                 -- the agent's, or why the cloud skipped it
    sealed_settings       text,                 -- SealedSettings JSON, until the machine's outcome (or skip)
    predicted_state       text    NOT NULL,     -- Succeeded | Blocked | Skipped | Unknown
    predicted_error_code  text,
    predicted_rule        text,
    predicted_from        timestamptz,          -- changedAt of the reported configuration the prediction used
    prediction            text,                 -- Right | Wrong | Unknown, once the outcome is known
    PRIMARY KEY (rollout_id, machine_id)
) WITH (fillfactor = 80);
CREATE UNIQUE INDEX rollout_machine_operation ON rollout_machine (operation_id);
CREATE INDEX rollout_machine_stage ON rollout_machine (rollout_id, stage, machine_id);

-- Per stage: its size, how many operations were sent, and up to which machine id (the issuing cursor).
CREATE TABLE rollout_stage (
    rollout_id      uuid        NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    stage           integer     NOT NULL,
    machines        integer     NOT NULL,
    issued          integer     NOT NULL DEFAULT 0,
    issued_through  text        NOT NULL DEFAULT '',
    start_time      timestamptz,
    end_time        timestamptz,
    PRIMARY KEY (rollout_id, stage)
);

-- Finished machines counted by stage, state, error code and prediction: kept up to date by the
-- projection (one upsert per batch), so a rollout's status never counts 100,000 rows.
CREATE TABLE rollout_tally (
    rollout_id  uuid    NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    stage       integer NOT NULL,
    state       text    NOT NULL,             -- Succeeded | Failed | Blocked | Skipped
    error_code  text    NOT NULL DEFAULT '',
    prediction  text    NOT NULL DEFAULT '',  -- Right | Wrong | Unknown, '' when none applies
    count       integer NOT NULL,
    PRIMARY KEY (rollout_id, stage, state, error_code, prediction)
);

-- A machine's operations, for its deletion (those still in progress end Failed). machine_id never changes, so
-- this index costs the result projection's status updates nothing (they stay HOT).
CREATE INDEX operation_machine ON operation (machine_id);

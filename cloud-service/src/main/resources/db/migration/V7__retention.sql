-- Retention (RetentionPruner, bulwark.retention.*): the activity log and finished operations are deleted a
-- batch at a time once older than their retention. Each batch reads an index range from the oldest row on, so
-- no call reads the whole table.

-- Events are deleted by event_timestamp, the time the API filters and shows. The other activity_event indexes
-- lead with the subscription, resource or correlation id, so none serves a range over time alone.
CREATE INDEX activity_event_time ON activity_event (event_timestamp);

-- Operations are examined in (start_time, operation_id) order and deleted when they ended before the cutoff.
-- Not end_time: the result projection sets it, and an index on it would make every result's update of the
-- operation row a non-HOT update that adds index entries (V4). start_time is written once, at insert.
CREATE INDEX operation_start_time ON operation (start_time, operation_id);

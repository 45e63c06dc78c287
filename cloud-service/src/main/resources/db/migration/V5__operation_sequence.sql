-- Per-machine operation sequence numbers: every extension operation the cloud issues to a machine carries
-- the next number of that machine's counter, inside the signed bytes, and the agent runs only operations
-- newer than the last it ran, so a captured operation cannot be replayed. The counter is the number of the
-- last operation issued (0: none yet). It is raised in the transaction that issues the operations, before
-- their outbox row is written: the row lock orders one machine's issuing transactions, so its operations
-- enter the outbox, and leave it, in sequence order.
-- A constant default: PostgreSQL adds the column without rewriting the table. Not indexed, so raising it is
-- a HOT update (the table keeps free room on its pages, V4).
ALTER TABLE machine ADD COLUMN operation_sequence bigint NOT NULL DEFAULT 0;

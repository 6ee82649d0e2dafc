-- A broadcast (target "all") is one task per agent, pinned to it; broadcast_id groups them.

ALTER TABLE tasks ADD COLUMN broadcast_id VARCHAR(36);
CREATE INDEX tasks_by_broadcast ON tasks (broadcast_id, created_at);

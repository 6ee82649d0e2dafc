-- Retries: a failed attempt may wait (RETRYING) until retry_at and run again. attempt_floor is the attempt a
-- manual retry started from, so each manual retry has the task's full number of attempts again. exhausted marks
-- a task that ended failed with no attempt left: the dead-letter view.

ALTER TABLE tasks ADD COLUMN retry_at BIGINT;
ALTER TABLE tasks ADD COLUMN attempt_floor INT NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN exhausted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX tasks_retrying ON tasks (state, retry_at);

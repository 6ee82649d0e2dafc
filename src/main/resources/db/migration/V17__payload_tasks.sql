-- Payload tasks and the workers that lease them (a payload itself is part of the task's spec, stored as it is).
-- The result a worker reports for an attempt is kept beside what a command's attempt writes, read only by the
-- single-task view. A token of the role worker is restricted to the task types it names (comma-separated; null for
-- every other role).

ALTER TABLE task_output ADD COLUMN result MEDIUMTEXT;
ALTER TABLE api_tokens ADD COLUMN types VARCHAR(1000);

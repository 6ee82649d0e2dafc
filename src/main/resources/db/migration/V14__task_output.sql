-- A task's output in a table of its own, so that listing tasks never reads it: a row per attempt that wrote something
-- (an attempt with no output has none), read only by GET /api/tasks/{id} and its /output, deleted with the task.
-- The output already recorded moves here as the output of the task's current attempt.

CREATE TABLE task_output (
    task_id          VARCHAR(36)  NOT NULL,
    attempt          INT          NOT NULL,
    stdout           MEDIUMTEXT,
    stderr           MEDIUMTEXT,
    stdout_truncated BOOLEAN      NOT NULL DEFAULT FALSE,
    stderr_truncated BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (task_id, attempt)
);

INSERT INTO task_output (task_id, attempt, stdout, stderr, stdout_truncated, stderr_truncated)
SELECT id, attempt, stdout, stderr, stdout_truncated, stderr_truncated FROM tasks
WHERE stdout <> '' OR stderr <> '' OR stdout_truncated OR stderr_truncated;

ALTER TABLE tasks DROP COLUMN stdout;
ALTER TABLE tasks DROP COLUMN stderr;
ALTER TABLE tasks DROP COLUMN stdout_truncated;
ALTER TABLE tasks DROP COLUMN stderr_truncated;

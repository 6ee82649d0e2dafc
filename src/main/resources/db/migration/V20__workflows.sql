-- Workflows: tasks that depend on tasks, submitted as one graph (POST /api/workflows).
--
-- workflows: one row per graph, with its optional name and idempotency key (the same key again returns the workflow
-- it made). Its state is not stored: it is read from the states of its tasks.
--
-- workflow_tasks: one row per task of a graph, with its name in the graph (unique in it), its task, its position in
-- the submission, the names of its parents (depends_on, a JSON array) and what it does when one of them fails for
-- good (when_parent_fails: cancel or run; NULL for a task without parents). A task with parents is WAITING, a state
-- no queue, restore or reconciler looks at, until each parent SUCCEEDED (with run: ended), then QUEUED. parents (a
-- JSON array of each parent's name, task id, state and result, bounded) records each parent's ending as it happens,
-- written in the transaction that ends the parent while the child's task row is locked, so two parents ending at once
-- on two control nodes both count.
--
-- tasks.workflow_id: the workflow a task is a node of (NULL for the others), for the workflow's view and retention.

CREATE TABLE workflows (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    name             VARCHAR(128),
    idempotency_key  VARCHAR(128),
    created_at       BIGINT        NOT NULL,
    CONSTRAINT workflows_key UNIQUE (idempotency_key)
);
CREATE INDEX workflows_by_created ON workflows (created_at);

CREATE TABLE workflow_tasks (
    workflow_id        VARCHAR(36)  NOT NULL,
    name               VARCHAR(64)  NOT NULL,
    task_id            VARCHAR(36)  NOT NULL,
    position           INT          NOT NULL,
    depends_on         TEXT         NOT NULL,
    when_parent_fails  VARCHAR(8),
    parents            MEDIUMTEXT,
    PRIMARY KEY (workflow_id, name),
    CONSTRAINT workflow_tasks_by_task UNIQUE (task_id)
);

ALTER TABLE tasks ADD COLUMN workflow_id VARCHAR(36);
CREATE INDEX tasks_by_workflow ON tasks (workflow_id);

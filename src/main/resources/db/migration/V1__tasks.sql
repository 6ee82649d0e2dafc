-- The record of every task and of every change of its state.
-- Times are epoch milliseconds (UTC), the same on MySQL/MariaDB and H2.

CREATE TABLE tasks (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    type             VARCHAR(64)  NOT NULL,
    priority         VARCHAR(8)   NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    spec             MEDIUMTEXT   NOT NULL,
    idempotency_key  VARCHAR(128),
    agent            VARCHAR(128),
    attempt          INT          NOT NULL DEFAULT 0,
    exit_code        INT,
    stdout           MEDIUMTEXT,
    stderr           MEDIUMTEXT,
    stdout_truncated BOOLEAN      NOT NULL DEFAULT FALSE,
    stderr_truncated BOOLEAN      NOT NULL DEFAULT FALSE,
    message          VARCHAR(1000),
    created_at       BIGINT       NOT NULL,
    dispatched_at    BIGINT,
    started_at       BIGINT,
    finished_at      BIGINT,
    CONSTRAINT tasks_type_key UNIQUE (type, idempotency_key)
);

CREATE INDEX tasks_by_state ON tasks (state, created_at);
CREATE INDEX tasks_by_created ON tasks (created_at);
CREATE INDEX tasks_by_agent ON tasks (agent, created_at);

CREATE TABLE task_events (
    id       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    task_id  VARCHAR(36)  NOT NULL,
    at       BIGINT       NOT NULL,
    state    VARCHAR(16)  NOT NULL,
    agent    VARCHAR(128),
    attempt  INT          NOT NULL,
    message  VARCHAR(1000)
);

CREATE INDEX task_events_by_task ON task_events (task_id, id);

-- Cron jobs and their fires. A fire is planned ahead (state PLANNED) and then taken exactly once: the
-- conditional update PLANNED -> FIRED/SKIPPED/MISSED is what proves it, whatever Redis or other nodes do.

CREATE TABLE jobs (
    id            VARCHAR(36)   NOT NULL PRIMARY KEY,
    name          VARCHAR(64)   NOT NULL,
    schedule      VARCHAR(1000) NOT NULL,
    template      MEDIUMTEXT    NOT NULL,
    overlap       VARCHAR(8)    NOT NULL,
    max_running   INT,
    misfire       VARCHAR(16)   NOT NULL,
    paused        BOOLEAN       NOT NULL DEFAULT FALSE,
    -- the first fire time not yet planned; NULL when the schedule has no more fires
    next_fire_at  BIGINT,
    -- bumped by every edit, pause and resume, so a planner working from an older read plans nothing
    version       INT           NOT NULL DEFAULT 0,
    created_at    BIGINT        NOT NULL,
    updated_at    BIGINT        NOT NULL,
    CONSTRAINT jobs_name_key UNIQUE (name)
);

CREATE INDEX jobs_to_plan ON jobs (paused, next_fire_at);

CREATE TABLE job_fires (
    job_id        VARCHAR(36)   NOT NULL,
    scheduled_at  BIGINT        NOT NULL,
    state         VARCHAR(8)    NOT NULL,
    task_id       VARCHAR(36),
    message       VARCHAR(1000),
    taken_at      BIGINT,
    PRIMARY KEY (job_id, scheduled_at)
);

CREATE INDEX job_fires_by_state ON job_fires (state, scheduled_at);

ALTER TABLE tasks ADD COLUMN job_id VARCHAR(36);
ALTER TABLE tasks ADD COLUMN scheduled_at BIGINT;
CREATE INDEX tasks_by_job ON tasks (job_id, state);

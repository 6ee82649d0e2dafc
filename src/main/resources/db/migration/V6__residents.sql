-- Resident definitions: keep `instances` instances of a long-running command alive across the fleet. Each
-- instance is a task with resident_id. failures counts instances in a row that ended soon after they started
-- (the restart backoff doubles with it); no instance starts before not_before; ended_seen is the finish time of
-- the last ended instance already counted.

CREATE TABLE residents (
    id                   VARCHAR(36)  NOT NULL PRIMARY KEY,
    name                 VARCHAR(64)  NOT NULL,
    instances            INT          NOT NULL,
    template             MEDIUMTEXT   NOT NULL,
    restart_backoff_ms   BIGINT       NOT NULL,
    max_backoff_ms       BIGINT       NOT NULL,
    failures             INT          NOT NULL DEFAULT 0,
    not_before           BIGINT       NOT NULL DEFAULT 0,
    ended_seen           BIGINT       NOT NULL DEFAULT 0,
    created_at           BIGINT       NOT NULL,
    updated_at           BIGINT       NOT NULL,
    CONSTRAINT residents_name UNIQUE (name)
);

ALTER TABLE tasks ADD COLUMN resident_id VARCHAR(36);
CREATE INDEX tasks_by_resident ON tasks (resident_id, state);

-- Completion callbacks: a task may name a url that hears how it ended (callbacks.yaml).
--
-- tasks.callback: the url, as submitted (it is in the spec too; a column of its own lets the ending of a batch of
-- tasks find those with a callback in one indexed read, without reading their specs).
--
-- task_callbacks: one row per ending of a task that has a callback, written in the transaction that ends it, with
-- the task's view as it ended (JSON, what the receiver gets). state: PENDING until it is DELIVERED or, after its
-- last attempt or a refusal of its url, FAILED. A PENDING callback is due from next_attempt_at; a control node takes
-- one by setting claimed_by and claimed_until (a conditional UPDATE); one it took and did not finish (it died) is
-- due again once claimed_until has passed. Each attempt is an event of the task (task_events).

ALTER TABLE tasks ADD COLUMN callback VARCHAR(2000);

CREATE TABLE task_callbacks (
    id               BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    task_id          VARCHAR(36)    NOT NULL,
    url              VARCHAR(2000)  NOT NULL,
    ended_state      VARCHAR(16)    NOT NULL,
    ended_attempt    INT            NOT NULL,
    body             MEDIUMTEXT     NOT NULL,
    state            VARCHAR(16)    NOT NULL,
    attempts         INT            NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT         NOT NULL,
    claimed_by       VARCHAR(128),
    claimed_until    BIGINT         NOT NULL DEFAULT 0,
    created_at       BIGINT         NOT NULL,
    ended_at         BIGINT
);
CREATE INDEX task_callbacks_due ON task_callbacks (state, next_attempt_at);
CREATE INDEX task_callbacks_by_task ON task_callbacks (task_id);

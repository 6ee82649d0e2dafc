-- Where alert notices go, and what became of each one sent there.
--
-- alert_channels: the channels made through the API (those in caravan.alerts.channels live in the configuration
-- only). A webhook has a url and the secret its requests are signed with; an email channel a JSON list of addresses.
--
-- alert_deliveries: one row per (notice, channel), with the notice as it was sent (JSON), so that a delivery can be
-- tried again without the notice's own table. state: PENDING until it is DELIVERED or, after its last attempt,
-- FAILED (last_error says why). A PENDING delivery is due from next_attempt_at; a control node takes one by setting
-- claimed_by and claimed_until (a conditional UPDATE), and one it took and did not finish (it died) is due again
-- once claimed_until has passed.
--
-- alert_delivery_attempts: every attempt of a delivery, with its outcome.

CREATE TABLE alert_channels (
    name           VARCHAR(64)    NOT NULL PRIMARY KEY,
    kind           VARCHAR(16)    NOT NULL,
    url            VARCHAR(2000),
    secret         VARCHAR(500),
    to_addresses   VARCHAR(4000),
    created_at     BIGINT         NOT NULL,
    updated_at     BIGINT         NOT NULL
);

CREATE TABLE alert_deliveries (
    id               BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    notice_id        BIGINT         NOT NULL,
    channel          VARCHAR(64)    NOT NULL,
    notice           MEDIUMTEXT     NOT NULL,
    state            VARCHAR(16)    NOT NULL,
    attempts         INT            NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT         NOT NULL,
    claimed_by       VARCHAR(128),
    claimed_until    BIGINT         NOT NULL DEFAULT 0,
    last_error       VARCHAR(1000),
    created_at       BIGINT         NOT NULL,
    ended_at         BIGINT,
    CONSTRAINT alert_deliveries_once UNIQUE (notice_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_attempt_at);

CREATE TABLE alert_delivery_attempts (
    id             BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    delivery_id    BIGINT         NOT NULL,
    attempt        INT            NOT NULL,
    at             BIGINT         NOT NULL,
    took_ms        BIGINT         NOT NULL,
    outcome        VARCHAR(16)    NOT NULL,
    error          VARCHAR(1000),
    CONSTRAINT alert_delivery_attempts_of FOREIGN KEY (delivery_id) REFERENCES alert_deliveries (id) ON DELETE CASCADE
);
CREATE INDEX alert_delivery_attempts_by_delivery ON alert_delivery_attempts (delivery_id, attempt);

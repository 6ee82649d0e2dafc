-- Alerts Caravan raises itself (alerts.yaml): the rules watched, the incidents they found and the notices sent.
-- A rule from configuration (caravan.alerts.rules) is defined_in 'configuration' and is changed only there; one
-- made through the API is defined_in 'api'. An incident is one (rule, subject) from when its condition holds until it clears:
-- PENDING while it has not held long enough yet (a rule's "after"), FIRING, then RESOLVED. open_subject is the
-- subject while the incident is open and NULL once resolved, so that the unique key allows one open incident per
-- (rule, subject) and any number of resolved ones. Each FIRING and each RESOLVED is a notice, unless the rule's rate
-- limit held it back (notified false: its resolution is held back too).

CREATE TABLE alert_rules (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name           VARCHAR(64)   NOT NULL,
    kind           VARCHAR(32)   NOT NULL,
    type           VARCHAR(64),
    job            VARCHAR(64),
    priority       VARCHAR(8),
    per_task       BOOLEAN       NOT NULL DEFAULT FALSE,
    after_ms       BIGINT,
    quiet_ms       BIGINT,
    channels       VARCHAR(2000) NOT NULL,
    enabled        BOOLEAN       NOT NULL DEFAULT TRUE,
    defined_in     VARCHAR(16)   NOT NULL,
    suppressed     BIGINT        NOT NULL DEFAULT 0,
    created_at     BIGINT        NOT NULL,
    updated_at     BIGINT        NOT NULL,
    CONSTRAINT alert_rules_name_key UNIQUE (name)
);

CREATE TABLE alert_incidents (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    rule_id        BIGINT        NOT NULL,
    subject        VARCHAR(255)  NOT NULL,
    open_subject   VARCHAR(255),
    state          VARCHAR(8)    NOT NULL,
    summary        VARCHAR(1000) NOT NULL,
    started_at     BIGINT        NOT NULL,
    resolved_at    BIGINT,
    notified       BOOLEAN       NOT NULL DEFAULT FALSE,
    CONSTRAINT alert_incidents_open_key UNIQUE (rule_id, open_subject)
);

-- the open incidents of every rule at once (those of rules disabled or deleted end), not a scan of all history
CREATE INDEX alert_incidents_open ON alert_incidents (open_subject);

CREATE TABLE alert_notices (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    incident_id    BIGINT        NOT NULL,
    rule           VARCHAR(64)   NOT NULL,
    kind           VARCHAR(32)   NOT NULL,
    subject        VARCHAR(255)  NOT NULL,
    state          VARCHAR(8)    NOT NULL,
    summary        VARCHAR(1000) NOT NULL,
    started_at     BIGINT        NOT NULL,
    resolved_at    BIGINT,
    at             BIGINT        NOT NULL,
    channels       VARCHAR(2000) NOT NULL,
    -- when it was handed to direct:deliver-alert; NULL until then, so a node that stops in between hands it later
    handed_at      BIGINT
);

-- a rule's notices of the last minute (its rate limit), and GET /api/alerts?rule=
CREATE INDEX alert_notices_by_rule ON alert_notices (rule, at);
CREATE INDEX alert_notices_to_hand ON alert_notices (handed_at);

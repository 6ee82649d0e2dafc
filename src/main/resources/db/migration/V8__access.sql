-- Who may do what (users and their API tokens) and what they did (the audit trail). Passwords and tokens are stored
-- only as hashes: an Argon2id hash (Spring Security's encoding, "{argon2@SpringSecurity_v5_8}...") for passwords,
-- SHA-256 for tokens, which are random and long enough that a fast hash is safe.

CREATE TABLE users (
    name           VARCHAR(64)   NOT NULL PRIMARY KEY,
    role           VARCHAR(16)   NOT NULL,
    password_hash  VARCHAR(255)  NOT NULL,
    created_at     BIGINT        NOT NULL,
    changed_at     BIGINT        NOT NULL
);

CREATE TABLE api_tokens (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    user_name      VARCHAR(64)   NOT NULL,
    name           VARCHAR(64)   NOT NULL,
    role           VARCHAR(16)   NOT NULL,
    token_hash     CHAR(64)      NOT NULL,
    created_at     BIGINT        NOT NULL,
    expires_at     BIGINT,
    last_used_at   BIGINT
);
CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_by_user ON api_tokens (user_name, created_at);

CREATE TABLE audit (
    id             BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at             BIGINT        NOT NULL,
    actor          VARCHAR(64)   NOT NULL,
    via            VARCHAR(16)   NOT NULL,
    address        VARCHAR(64)   NOT NULL,
    action         VARCHAR(64)   NOT NULL,
    target         VARCHAR(200)  NOT NULL,
    status         INT           NOT NULL,
    outcome        VARCHAR(500)  NOT NULL
);
CREATE INDEX audit_by_at ON audit (at);
CREATE INDEX audit_by_actor ON audit (actor, at);

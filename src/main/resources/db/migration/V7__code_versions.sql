-- Code versions registered for agents to install (POST /api/versions). Redis carries the same catalogue for
-- the agents to read; this table is what it is rebuilt from.

CREATE TABLE code_versions (
    project        VARCHAR(64)   NOT NULL,
    version        VARCHAR(64)   NOT NULL,
    url            VARCHAR(2000) NOT NULL,
    sha256         CHAR(64)      NOT NULL,
    registered_at  BIGINT        NOT NULL,
    PRIMARY KEY (project, version)
);

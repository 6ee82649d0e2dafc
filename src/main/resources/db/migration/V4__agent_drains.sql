-- Agents an operator asked to drain (POST /api/agents/{id}/drain). Redis carries the same set for the agents to
-- read; this table is what it is rebuilt from when Redis loses its keys.

CREATE TABLE agent_drains (
    agent_id     VARCHAR(128) NOT NULL PRIMARY KEY,
    requested_at BIGINT       NOT NULL
);

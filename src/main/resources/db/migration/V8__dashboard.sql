-- The dashboard (GET /api/dashboard) counts the last hour's task events per minute: a range of this index, not a scan
-- of the whole history.

CREATE INDEX task_events_by_at ON task_events (at, state);

-- Retention (retention.yaml) finds ended tasks by their state and finish time: a range of this index per ended state,
-- read a batch at a time, not a scan of every ended task. Job fires and audit entries have theirs already
-- (job_fires_by_state, audit_by_at).
CREATE INDEX tasks_by_end ON tasks (state, finished_at);

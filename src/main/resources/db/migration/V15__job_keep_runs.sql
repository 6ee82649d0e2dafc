-- How many ended runs of a job retention keeps (retention.yaml): NULL for caravan.retention.runs-per-job, 0 for all
-- (by age only). Its runs are counted newest first, through the index on job and creation time.
ALTER TABLE jobs ADD COLUMN keep_runs INT;
CREATE INDEX tasks_by_job_created ON tasks (job_id, created_at);

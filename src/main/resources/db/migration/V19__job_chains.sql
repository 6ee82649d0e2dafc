-- Job chains: a job may name jobs to run when one of its runs succeeds (on_success) or fails for good (on_failure:
-- FAILED or TIMED_OUT after its last attempt; a cancelled run starts nothing). Each is a JSON array of job names,
-- NULL for none. The chained run is decided in the transaction that ends the run: a row in job_fires, PLANNED now
-- (taken like any fire, under the chained job's overlap and maxRunning) or SKIPPED when that job is paused, with
-- the chain told in its message.

ALTER TABLE jobs ADD COLUMN on_success VARCHAR(2000);
ALTER TABLE jobs ADD COLUMN on_failure VARCHAR(2000);

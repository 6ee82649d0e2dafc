-- GET /api/tasks?key= finds a task by its idempotency key alone, of any type: the unique (type, key) index cannot.
CREATE INDEX tasks_by_key ON tasks (idempotency_key);

package routes.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.Conflict;
import routes.domain.NotFound;
import routes.domain.Page;
import routes.message.DueRetry;
import routes.message.ReclaimedEntry;
import routes.message.RetryPolicy;
import routes.message.RunReport;
import routes.message.TaskSpec;
import routes.message.TaskState;
import routes.results.ReceivedReport;

/**
 * The system of record for tasks. Every change of state is a conditional update (so a late or repeated
 * message cannot move a task backwards) plus an event row in the same transaction.
 */
@Component
@ControlRole
public class TaskStore {

    private static final String COLUMNS = "id, type, priority, state, spec, idempotency_key, agent, attempt, "
            + "exit_code, stdout, stderr, stdout_truncated, stderr_truncated, message, created_at, dispatched_at, "
            + "started_at, finished_at, job_id, scheduled_at, retry_at, exhausted, broadcast_id, resident_id";

    private static final long OVERDUE_RETRY_MILLIS = 3000;

    /** The states of a task that has not ended, as an SQL list (a new state belongs here and in TaskState). */
    public static final String ALIVE_STATES = "('QUEUED', 'DISPATCHED', 'RUNNING', 'RETRYING')";

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final JsonCodec json;
    private final Clock clock;

    public TaskStore(JdbcClient sql, JdbcTemplate batch, JsonCodec json) {
        this.sql = sql;
        this.batch = batch;
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /**
     * Stores a new QUEUED task, or returns the existing one when its type and key were seen before. Read
     * committed: after losing a race on the key, the winner's row must be visible to the re-read.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Submitted submit(NewTask task) {
        if (task.key() != null) {
            Optional<TaskView> existing = findByKey(task.spec().type(), task.key());
            if (existing.isPresent()) {
                return new Submitted(existing.get(), false);
            }
        }
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        try {
            sql.sql("INSERT INTO tasks (id, type, priority, state, spec, idempotency_key, attempt, created_at) "
                            + "VALUES (?, ?, ?, 'QUEUED', ?, ?, 0, ?)")
                    .params(id, task.spec().type(), task.spec().priority(), json.write(task.spec()), task.key(), now)
                    .update();
        } catch (DuplicateKeyException raced) {
            // another request with the same key committed first
            return new Submitted(findByKey(task.spec().type(), task.key()).orElseThrow(), false);
        }
        event(id, now, TaskState.QUEUED, null, 0, "submitted");
        TaskView queued = queuedView(id, task.spec(), task.key(), now, null, null, null, null);
        return new Submitted(queued, true);
    }

    /** Stores the tasks of a broadcast, one pinned to each agent, all QUEUED, in one transaction. */
    @Transactional
    public BroadcastSubmitted submitBroadcast(Broadcast broadcast) {
        List<QueuedRow> rows = new ArrayList<>(broadcast.specs().size());
        for (TaskSpec spec : broadcast.specs()) {
            rows.add(new QueuedRow(UUID.randomUUID().toString(), spec, null, null, broadcast.id(), null,
                    "submitted: broadcast " + broadcast.id() + ", the run on agent " + spec.agent() + " of "
                            + broadcast.specs().size()));
        }
        return new BroadcastSubmitted(broadcast.id(), insertQueued(rows));
    }

    /**
     * Stores the tasks of job fires as QUEUED, with their job and scheduled time, in the caller's transaction
     * (the one that marks the fires as taken).
     */
    @Transactional
    public List<TaskView> createRuns(List<JobRun> runs) {
        List<QueuedRow> rows = new ArrayList<>(runs.size());
        for (JobRun run : runs) {
            rows.add(new QueuedRow(run.taskId(), run.spec(), run.jobId(), run.scheduledAt(), run.broadcastId(), null,
                    run.reason()));
        }
        return insertQueued(rows);
    }

    /** Stores new instances of a resident as QUEUED tasks, in the caller's transaction. */
    @Transactional
    public List<TaskView> createInstances(String residentId, String residentName, TaskSpec spec, int count,
                                          int wanted) {
        List<QueuedRow> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(new QueuedRow(UUID.randomUUID().toString(), spec, null, null, null, residentId,
                    "instance of resident " + residentName + " started (" + wanted + " wanted)"));
        }
        return insertQueued(rows);
    }

    /** A task made by Caravan itself (a job's fire, a broadcast, a resident), with what it belongs to. */
    private record QueuedRow(String id, TaskSpec spec, String jobId, Long scheduledAt, String broadcastId,
                             String residentId, String message) {
    }

    /** Inserts QUEUED tasks and their first events in two batches. */
    private List<TaskView> insertQueued(List<QueuedRow> queued) {
        long now = clock.millis();
        List<TaskView> created = new ArrayList<>(queued.size());
        List<Object[]> rows = new ArrayList<>(queued.size());
        List<Object[]> events = new ArrayList<>(queued.size());
        for (QueuedRow row : queued) {
            TaskSpec spec = row.spec();
            rows.add(new Object[] {row.id(), spec.type(), spec.priority(), json.write(spec), now, row.jobId(),
                    row.scheduledAt(), row.broadcastId(), row.residentId()});
            events.add(new Object[] {row.id(), now, TaskState.QUEUED.name(), null, 0, truncate(row.message(), 1000)});
            created.add(queuedView(row.id(), spec, null, now, row.jobId(),
                    row.scheduledAt() == null ? null : Instant.ofEpochMilli(row.scheduledAt()), row.broadcastId(),
                    row.residentId()));
        }
        batch.batchUpdate("INSERT INTO tasks (id, type, priority, state, spec, attempt, created_at, job_id, scheduled_at, "
                + "broadcast_id, resident_id) VALUES (?, ?, ?, 'QUEUED', ?, 0, ?, ?, ?, ?, ?)", rows);
        batch.batchUpdate("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, ?, ?, ?)",
                events);
        return created;
    }

    /** Ids of the tasks of these jobs that are alive (queued, dispatched or running), by job. */
    public Map<String, List<String>> aliveRuns(Collection<String> jobIds) {
        Map<String, List<String>> alive = new HashMap<>();
        if (jobIds.isEmpty()) {
            return alive;
        }
        String marks = String.join(", ", Collections.nCopies(jobIds.size(), "?"));
        sql.sql("SELECT job_id, id FROM tasks WHERE job_id IN (" + marks + ") "
                        + "AND state IN " + ALIVE_STATES + " ORDER BY created_at")
                .params(List.copyOf(jobIds))
                .query(rs -> {
                    alive.computeIfAbsent(rs.getString("job_id"), job -> new ArrayList<>()).add(rs.getString("id"));
                });
        return alive;
    }

    /** Stores a batch in one transaction: all of it or, on failure, none. */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public List<Submitted> submitAll(List<NewTask> batch) {
        List<Submitted> submitted = new ArrayList<>(batch.size());
        for (NewTask task : batch) {
            submitted.add(submit(task));
        }
        return submitted;
    }

    private static TaskView queuedView(String id, TaskSpec spec, String key, long now, String jobId, Instant scheduledAt,
                                       String broadcastId, String residentId) {
        return new TaskView(id, spec.type(), spec.priority(), TaskState.QUEUED.name(), key, null, 0,
                spec.command(), spec.shell(), spec.env(), spec.workdir(), spec.timeoutSeconds(), spec.labels(),
                spec.agent(), spec.retry(), spec.code(), null, null, null, false, false, null, Instant.ofEpochMilli(now),
                null, null, null, null, false, jobId, scheduledAt, broadcastId, residentId, null);
    }

    public Optional<TaskView> find(String id) {
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = ?").param(id).query(this::view).optional();
    }

    /** The task with its event log; {@link NotFound} when unknown. */
    public TaskView get(String id) {
        TaskView task = find(id).orElseThrow(() -> notFound(id));
        List<TaskEvent> events = sql.sql("SELECT at, state, agent, attempt, message FROM task_events "
                        + "WHERE task_id = ? ORDER BY at, id")
                .param(id)
                .query((rs, n) -> new TaskEvent(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("state"),
                        rs.getString("agent"), rs.getInt("attempt"), rs.getString("message")))
                .list();
        return task.withEvents(events);
    }

    /** The tasks the filter keeps, newest first: the page it asks for, and how many there are in all. */
    public Map<String, Object> list(TaskFilter filter) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        narrow(where, params, "state", filter.state() == null ? null : filter.state().name());
        narrow(where, params, "type", filter.type());
        narrow(where, params, "agent", filter.agent());
        narrow(where, params, "job_id", filter.job());
        narrow(where, params, "broadcast_id", filter.broadcast());
        narrow(where, params, "resident_id", filter.resident());
        narrow(where, params, "exhausted", filter.exhausted());
        Page page = filter.page();
        long total = sql.sql("SELECT COUNT(*) FROM tasks" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.limit());
        pageParams.add(page.offset());
        List<TaskView> tasksOnPage = sql.sql("SELECT " + COLUMNS + " FROM tasks" + where
                        + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(pageParams).query(this::view).list();
        return page.body("tasks", tasksOnPage, total);
    }

    private static void narrow(StringBuilder where, List<Object> params, String column, Object value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    /**
     * Takes a QUEUED task for an agent: DISPATCHED, next attempt. Empty when the task is not QUEUED any more
     * (another control node took it, or it was cancelled).
     */
    @Transactional
    public OptionalInt claim(String id, String agent) {
        long now = clock.millis();
        int updated = sql.sql("UPDATE tasks SET state = 'DISPATCHED', agent = ?, attempt = attempt + 1, "
                        + "dispatched_at = ? WHERE id = ? AND state = 'QUEUED'")
                .params(agent, now, id).update();
        if (updated == 0) {
            return OptionalInt.empty();
        }
        int attempt = sql.sql("SELECT attempt FROM tasks WHERE id = ?").param(id).query(Integer.class).single();
        event(id, now, TaskState.DISPATCHED, agent, attempt, "dispatched to " + agent);
        return OptionalInt.of(attempt);
    }

    /** Gives back a claim whose placement failed in Redis: the task is QUEUED again. */
    @Transactional
    public void unclaim(String id, int attempt, String reason) {
        long now = clock.millis();
        int updated = sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, dispatched_at = NULL "
                        + "WHERE id = ? AND attempt = ? AND state = 'DISPATCHED'")
                .params(id, attempt).update();
        if (updated > 0) {
            event(id, now, TaskState.QUEUED, null, attempt, reason);
        }
    }

    /**
     * Puts the tasks taken back from agents (dead, or draining) in the QUEUED state, each only if it is still at
     * the attempt that agent had: an entry for an older attempt, or for a task that ended, changes nothing.
     * Returns the tasks re-queued.
     */
    @Transactional
    public List<TaskView> requeueReclaimed(List<ReclaimedEntry> entries) {
        long now = clock.millis();
        List<TaskView> requeued = new ArrayList<>();
        for (ReclaimedEntry entry : entries) {
            // a draining agent hands back only what it never started: a task that runs there stays with it
            String states = ReclaimedEntry.DRAINED.equals(entry.why()) ? "('DISPATCHED')" : "('DISPATCHED', 'RUNNING')";
            int updated = sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, dispatched_at = NULL, "
                            + "started_at = NULL WHERE id = ? AND attempt = ? AND state IN " + states)
                    .params(entry.taskId(), entry.attempt()).update();
            if (updated > 0) {
                event(entry.taskId(), now, TaskState.QUEUED, entry.agent(), entry.attempt(), entry.reason());
                find(entry.taskId()).ifPresent(requeued::add);
            }
        }
        return requeued;
    }

    /** Tasks whose retry is due go back to QUEUED; returns those that did (a cancelled one stays cancelled). */
    @Transactional
    public List<TaskView> requeueRetries(List<String> taskIds) {
        long now = clock.millis();
        List<TaskView> requeued = new ArrayList<>();
        for (String id : taskIds) {
            if (sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, dispatched_at = NULL, started_at = NULL, "
                    + "retry_at = NULL WHERE id = ? AND state = 'RETRYING'").param(id).update() > 0) {
                TaskView task = find(id).orElseThrow();
                event(id, now, TaskState.QUEUED, null, task.attempt(), "retry due: back in its queue");
                requeued.add(task);
            }
        }
        return requeued;
    }

    /** Retries due more than a few seconds ago and still waiting: Redis lost them, or a node died holding them. */
    public List<DueRetry> overdueRetries() {
        return sql.sql("SELECT id, retry_at FROM tasks WHERE state = 'RETRYING' AND retry_at < ? LIMIT 1000")
                .param(clock.millis() - OVERDUE_RETRY_MILLIS).query((rs, n) -> new DueRetry(rs.getString("id"), rs.getLong("retry_at"))).list();
    }

    /**
     * Runs an ended task again (the dead-letter view's "retry"): QUEUED, with its retry policy's attempts
     * counted afresh. {@link NotFound} when unknown, a {@link Conflict} when it has not ended or succeeded.
     */
    @Transactional
    public TaskView retry(String id) {
        String state = lockedState(id).orElseThrow(() -> notFound(id));
        if (!state.equals("FAILED") && !state.equals("TIMED_OUT") && !state.equals("CANCELLED")) {
            throw new Conflict("task " + id + " is " + state
                    + "; only a FAILED, TIMED_OUT or CANCELLED task can be retried");
        }
        sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, exit_code = NULL, stdout = NULL, stderr = NULL, "
                + "stdout_truncated = FALSE, stderr_truncated = FALSE, message = NULL, dispatched_at = NULL, "
                + "started_at = NULL, finished_at = NULL, retry_at = NULL, exhausted = FALSE, attempt_floor = attempt "
                + "WHERE id = ?").param(id).update();
        TaskView task = find(id).orElseThrow();
        event(id, clock.millis(), TaskState.QUEUED, null, task.attempt(), "retried by request after it ended " + state);
        return task;
    }

    /** Every task in one of these states, oldest first: what Redis must hold for them when it lost everything. */
    public List<TaskView> inStates(TaskState... states) {
        String marks = String.join(", ", Collections.nCopies(states.length, "?"));
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE state IN (" + marks + ") ORDER BY created_at")
                .params(Arrays.stream(states).map(TaskState::name).toList()).query(this::view).list();
    }

    /** A task in the QUEUED or DISPATCHED state, as little of it as the reconciler compares with Redis. */
    public record Undispatched(String id, String type, String priority, String state, int attempt, String agent) {
    }

    /** Every task QUEUED or DISPATCHED: those that should be in a queue, or are on their way out of one. */
    public List<Undispatched> undispatched() {
        return sql.sql("SELECT id, type, priority, state, attempt, agent FROM tasks WHERE state IN ('QUEUED', 'DISPATCHED')")
                .query((rs, n) -> new Undispatched(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6)))
                .list();
    }

    /** Records an event that changes no state (something was put right in Redis). */
    @Transactional
    public void note(String id, TaskState state, String agent, int attempt, String message) {
        event(id, clock.millis(), state, agent, attempt, message);
    }

    /** True when the task has reached a terminal state (or does not exist): nothing more to dispatch. */
    public boolean isSettled(String id) {
        return find(id).map(t -> TaskState.valueOf(t.state()).isTerminal()).orElse(true);
    }

    /**
     * Stores a batch of agents' reports in one transaction (unreadable ones, null, are skipped). A start and
     * the outcome of the same attempt in one batch are stored with one update. Returns the tasks that ended
     * with this batch, and those that wait for a retry.
     */
    @Transactional
    public Recorded recordAll(List<ReceivedReport> batch) {
        Set<String> outcomes = new HashSet<>();
        for (ReceivedReport received : batch) {
            if (received.report() != null && received.report().isFinished()) {
                outcomes.add(attemptKey(received.report()));
            }
        }
        Map<String, RunReport> starts = new HashMap<>();
        List<String> ended = new ArrayList<>();
        List<DueRetry> retries = new ArrayList<>();
        for (ReceivedReport received : batch) {
            RunReport report = received.report();
            if (report == null) {
                continue;
            }
            if (!report.isFinished() && outcomes.contains(attemptKey(report))) {
                starts.put(attemptKey(report), report);
                continue;
            }
            long applied = record(report, starts.remove(attemptKey(report)));
            if (applied > 0) {
                retries.add(new DueRetry(report.taskId(), applied));
            } else if (applied == 0 && report.isFinished()) {
                ended.add(report.taskId());
            }
        }
        // a start whose outcome came first in the batch (from another control node's order) is stored alone
        starts.values().forEach(start -> record(start, null));
        return new Recorded(ended, retries);
    }

    /**
     * Applies an agent's report if it belongs to the current attempt, from the agent that attempt was dispatched
     * to, and moves the task forward; otherwise
     * records that it was ignored. {@code start} is the same attempt's start report when it came along. A
     * failed (or timed-out) attempt with attempts left makes the task RETRYING. Returns -1 when the report was
     * not applied, the time of the retry when one is due, 0 otherwise.
     */
    private long record(RunReport report, RunReport start) {
        int updated;
        long retryAt = 0;
        if (report.isFinished()) {
            Attempts attempts = attempts(report);
            TaskState state = attempts.retryAt() > 0 ? TaskState.RETRYING : TaskState.valueOf(report.outcome());
            long startedAt = start != null ? start.at() : report.at();
            updated = sql.sql("UPDATE tasks SET state = ?, exit_code = ?, stdout = ?, stderr = ?, "
                            + "stdout_truncated = ?, stderr_truncated = ?, message = ?, finished_at = ?, "
                            + "started_at = COALESCE(started_at, ?), retry_at = ?, exhausted = ? "
                            + "WHERE id = ? AND attempt = ? AND agent = ? AND state IN ('DISPATCHED', 'RUNNING')")
                    .params(state.name(), report.exitCode(), report.stdout(), report.stderr(),
                            report.stdoutTruncated(), report.stderrTruncated(), truncate(report.message(), 1000),
                            state == TaskState.RETRYING ? null : report.at(), startedAt,
                            attempts.retryAt() > 0 ? attempts.retryAt() : null, attempts.exhausted(), report.taskId(),
                            report.attempt(), report.agent())
                    .update();
            if (updated > 0) {
                if (start != null) {
                    startedEvent(start);
                }
                event(report.taskId(), report.at(), state, report.agent(), report.attempt(),
                        finishedMessage(report) + attempts.note());
                retryAt = attempts.retryAt();
            } else if (start != null) {
                recordIgnored(start);
            }
        } else {
            updated = sql.sql("UPDATE tasks SET state = 'RUNNING', started_at = ? "
                            + "WHERE id = ? AND attempt = ? AND agent = ? AND state = 'DISPATCHED'")
                    .params(report.at(), report.taskId(), report.attempt(), report.agent()).update();
            if (updated > 0) {
                startedEvent(report);
            }
        }
        if (updated == 0 && !recordLateStart(report)) {
            recordIgnored(report);
        }
        return updated > 0 ? retryAt : -1;
    }

    /**
     * What a failed or timed-out attempt leaves: a retry (when, and a note for the event) if the task's retry
     * policy has attempts left, else whether its attempts are exhausted. A success leaves nothing.
     */
    private Attempts attempts(RunReport report) {
        TaskState outcome = TaskState.valueOf(report.outcome());
        if (outcome != TaskState.FAILED && outcome != TaskState.TIMED_OUT) {
            return Attempts.NONE;
        }
        Optional<Attempts> found = sql.sql("SELECT spec, attempt_floor FROM tasks WHERE id = ?").param(report.taskId())
                .query((rs, n) -> {
                    RetryPolicy policy = json.read(rs.getString("spec"), TaskSpec.class).retryPolicy();
                    int used = report.attempt() - rs.getInt("attempt_floor");
                    if (outcome == TaskState.TIMED_OUT && !policy.onTimeout()) {
                        return Attempts.NONE;
                    }
                    if (used < policy.maxAttempts()) {
                        long delay = policy.delayMillis(used);
                        return new Attempts(clock.millis() + delay, false, "; retry " + (used + 1) + " of "
                                + policy.maxAttempts() + " in " + Duration.ofMillis(delay).toMillis() / 1000.0 + " s");
                    }
                    return new Attempts(0, true, policy.maxAttempts() > 1
                            ? "; no attempts left (" + used + " of " + policy.maxAttempts() + ")" : "");
                })
                .optional();
        return found.orElse(Attempts.NONE);
    }

    /** @param retryAt 0 when no retry is due */
    private record Attempts(long retryAt, boolean exhausted, String note) {
        static final Attempts NONE = new Attempts(0, false, "");
    }

    private void startedEvent(RunReport start) {
        event(start.taskId(), start.at(), TaskState.RUNNING, start.agent(), start.attempt(), "started on " + start.agent());
    }

    private static String attemptKey(RunReport report) {
        return report.taskId() + ":" + report.attempt();
    }

    /** Cancels a task that has not finished. {@link NotFound} when unknown, a {@link Conflict} when already finished. */
    @Transactional
    public TaskView cancel(String id) {
        String state = lockedState(id).orElseThrow(() -> notFound(id));
        if (TaskState.valueOf(state).isTerminal()) {
            throw new Conflict("task " + id + " already ended as " + state + "; nothing to cancel");
        }
        return cancelIfAlive(id, "cancelled by request").orElseThrow();
    }

    /** Cancels a task that has not finished, with the reason in its record; empty when it has ended. */
    @Transactional
    public Optional<TaskView> cancelIfAlive(String id, String reason) {
        Optional<String> previous = lockedState(id);
        if (previous.isEmpty() || TaskState.valueOf(previous.get()).isTerminal()) {
            return Optional.empty();
        }
        long now = clock.millis();
        sql.sql("UPDATE tasks SET state = 'CANCELLED', finished_at = ?, message = ? WHERE id = ?")
                .params(now, truncate(reason, 1000), id).update();
        TaskView cancelled = find(id).orElseThrow();
        event(id, now, TaskState.CANCELLED, cancelled.agent(), cancelled.attempt(), reason + " while " + previous.get());
        return Optional.of(cancelled);
    }

    /**
     * A task's state as last committed, not as this transaction's snapshot may still show it, locked until the
     * transaction ends.
     */
    private Optional<String> lockedState(String id) {
        return sql.sql("SELECT state FROM tasks WHERE id = ? FOR UPDATE").param(id).query(String.class).optional();
    }

    /**
     * With several control nodes, a "started" report can be stored after the outcome of the same attempt.
     * It is no stale report: the start happened, so it is recorded with its own time.
     */
    private boolean recordLateStart(RunReport report) {
        if (report.isFinished()) {
            return false;
        }
        int updated = sql.sql("UPDATE tasks SET started_at = ? WHERE id = ? AND attempt = ? AND agent = ? "
                        + "AND state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')")
                .params(report.at(), report.taskId(), report.attempt(), report.agent()).update();
        if (updated > 0) {
            startedEvent(report);
        }
        return updated > 0;
    }

    private void recordIgnored(RunReport report) {
        find(report.taskId()).ifPresent(current -> event(report.taskId(), clock.millis(),
                TaskState.valueOf(current.state()), report.agent(), report.attempt(),
                "ignored '" + report.kind() + "' report of attempt " + report.attempt() + " from " + report.agent()
                        + ": the task is " + current.state() + " in attempt " + current.attempt()
                        + (current.agent() == null || current.agent().equals(report.agent()) ? ""
                                : " on " + current.agent())));
    }

    private static String finishedMessage(RunReport report) {
        String base = report.outcome().toLowerCase() + " on " + report.agent()
                + (report.exitCode() == null ? "" : " with exit code " + report.exitCode());
        return report.message() == null ? base : base + ": " + report.message();
    }

    private Optional<TaskView> findByKey(String type, String key) {
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE type = ? AND idempotency_key = ?")
                .params(type, key).query(this::view).optional();
    }

    private void event(String taskId, long at, TaskState state, String agent, int attempt, String message) {
        sql.sql("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, ?, ?, ?)")
                .params(taskId, at, state.name(), agent, attempt, truncate(message, 1000)).update();
    }

    private static NotFound notFound(String id) {
        return new NotFound("no task with id " + id);
    }

    private TaskView view(ResultSet rs, int row) throws SQLException {
        TaskSpec spec = json.read(rs.getString("spec"), TaskSpec.class);
        return new TaskView(rs.getString("id"), rs.getString("type"), rs.getString("priority"),
                rs.getString("state"), rs.getString("idempotency_key"), rs.getString("agent"),
                rs.getInt("attempt"), spec.command(), spec.shell(), spec.env(), spec.workdir(),
                spec.timeoutSeconds(), spec.labels(), spec.agent(), spec.retry(), spec.code(),
                (Integer) rs.getObject("exit_code", Integer.class), rs.getString("stdout"), rs.getString("stderr"),
                rs.getBoolean("stdout_truncated"), rs.getBoolean("stderr_truncated"), rs.getString("message"),
                instant(rs, "created_at"), instant(rs, "dispatched_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), instant(rs, "retry_at"), rs.getBoolean("exhausted"), rs.getString("job_id"),
                instant(rs, "scheduled_at"), rs.getString("broadcast_id"), rs.getString("resident_id"), null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}

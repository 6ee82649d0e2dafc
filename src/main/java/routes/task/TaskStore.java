package routes.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
import routes.api.ApiException;
import routes.api.Paging;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.config.TaskProperties;
import routes.redis.ReclaimedEntry;
import routes.results.ReceivedReport;
import routes.results.RunReport;

/**
 * The system of record for tasks. Every change of state is a conditional update (so a late or repeated
 * message cannot move a task backwards) plus an event row in the same transaction.
 */
@Component
@ControlRole
public class TaskStore {

    private static final String COLUMNS = "id, type, priority, state, spec, idempotency_key, agent, attempt, "
            + "exit_code, stdout, stderr, stdout_truncated, stderr_truncated, message, created_at, dispatched_at, "
            + "started_at, finished_at, job_id, scheduled_at";

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final JsonCodec json;
    private final TaskProperties tasks;
    private final Clock clock;

    public TaskStore(JdbcClient sql, JdbcTemplate batch, JsonCodec json, TaskProperties tasks) {
        this.sql = sql;
        this.batch = batch;
        this.json = json;
        this.tasks = tasks;
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
        TaskView queued = queuedView(id, task.spec(), task.key(), now, null, null);
        return new Submitted(queued, true);
    }

    /**
     * Stores the tasks of job fires as QUEUED, with their job and scheduled time, in the caller's transaction
     * (the one that marks the fires as taken).
     */
    @Transactional
    public List<TaskView> createRuns(List<JobRun> runs) {
        long now = clock.millis();
        List<TaskView> created = new ArrayList<>(runs.size());
        List<Object[]> rows = new ArrayList<>(runs.size());
        List<Object[]> events = new ArrayList<>(runs.size());
        for (JobRun run : runs) {
            TaskSpec spec = run.spec();
            rows.add(new Object[] {run.taskId(), spec.type(), spec.priority(), json.write(spec), now, run.jobId(),
                    run.scheduledAt()});
            events.add(new Object[] {run.taskId(), now, TaskState.QUEUED.name(), null, 0, truncate(run.reason(), 1000)});
            created.add(queuedView(run.taskId(), spec, null, now, run.jobId(), Instant.ofEpochMilli(run.scheduledAt())));
        }
        batch.batchUpdate("INSERT INTO tasks (id, type, priority, state, spec, attempt, created_at, job_id, scheduled_at) "
                + "VALUES (?, ?, ?, 'QUEUED', ?, 0, ?, ?, ?)", rows);
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
                        + "AND state IN ('QUEUED', 'DISPATCHED', 'RUNNING') ORDER BY created_at")
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

    private static TaskView queuedView(String id, TaskSpec spec, String key, long now, String jobId, Instant scheduledAt) {
        return new TaskView(id, spec.type(), spec.priority(), TaskState.QUEUED.name(), key, null, 0,
                spec.command(), spec.shell(), spec.env(), spec.workdir(), spec.timeoutSeconds(), spec.labels(),
                spec.agent(), null, null, null, false, false, null, Instant.ofEpochMilli(now), null, null, null,
                jobId, scheduledAt, null);
    }

    public Optional<TaskView> find(String id) {
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = ?").param(id).query(this::view).optional();
    }

    /** The task with its event log; 404 when unknown. */
    public TaskView get(String id) {
        TaskView task = find(id).orElseThrow(() -> ApiException.notFound("no task with id " + id));
        List<TaskEvent> events = sql.sql("SELECT at, state, agent, attempt, message FROM task_events "
                        + "WHERE task_id = ? ORDER BY at, id")
                .param(id)
                .query((rs, n) -> new TaskEvent(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("state"),
                        rs.getString("agent"), rs.getInt("attempt"), rs.getString("message")))
                .list();
        return task.withEvents(events);
    }

    /** Newest first, filtered by state, type, agent and job when given. */
    public Map<String, Object> list(String state, String type, String agent, String job, String limit, String offset) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (state != null && !state.isEmpty()) {
            where.append(" AND state = ?");
            params.add(parseState(state).name());
        }
        if (type != null && !type.isEmpty()) {
            where.append(" AND type = ?");
            params.add(type);
        }
        if (agent != null && !agent.isEmpty()) {
            where.append(" AND agent = ?");
            params.add(agent);
        }
        if (job != null && !job.isEmpty()) {
            where.append(" AND job_id = ?");
            params.add(job);
        }
        Paging page = Paging.of(limit, offset, tasks.pageSizeLimit());
        long total = sql.sql("SELECT COUNT(*) FROM tasks" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.limit());
        pageParams.add(page.offset());
        List<TaskView> tasksOnPage = sql.sql("SELECT " + COLUMNS + " FROM tasks" + where
                        + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(pageParams).query(this::view).list();
        return page.body("tasks", tasksOnPage, total);
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
     * Puts the tasks a dead agent held back in the QUEUED state, each only if it is still at the attempt that
     * agent had: an entry for an older attempt, or for a task that ended, changes nothing. Returns the tasks
     * re-queued.
     */
    @Transactional
    public List<TaskView> requeueFromDeadAgent(List<ReclaimedEntry> entries) {
        long now = clock.millis();
        List<TaskView> requeued = new ArrayList<>();
        for (ReclaimedEntry entry : entries) {
            int updated = sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, dispatched_at = NULL, "
                            + "started_at = NULL WHERE id = ? AND attempt = ? AND state IN ('DISPATCHED', 'RUNNING')")
                    .params(entry.taskId(), entry.attempt()).update();
            if (updated > 0) {
                event(entry.taskId(), now, TaskState.QUEUED, entry.agent(), entry.attempt(), "agent " + entry.agent()
                        + " sent no heartbeat within caravan.dispatcher.agent-timeout: declared dead, task back in its queue");
                find(entry.taskId()).ifPresent(requeued::add);
            }
        }
        return requeued;
    }

    /** True when the task has reached a terminal state (or does not exist): nothing more to dispatch. */
    public boolean isSettled(String id) {
        return find(id).map(t -> TaskState.valueOf(t.state()).isTerminal()).orElse(true);
    }

    /**
     * Stores a batch of agents' reports in one transaction (unreadable ones, null, are skipped). A start and
     * the outcome of the same attempt in one batch are stored with one update. Returns the ids of the tasks
     * whose run ended with this batch.
     */
    @Transactional
    public List<String> recordAll(List<ReceivedReport> batch) {
        Set<String> outcomes = new HashSet<>();
        for (ReceivedReport received : batch) {
            if (received.report() != null && received.report().isFinished()) {
                outcomes.add(attemptKey(received.report()));
            }
        }
        Map<String, RunReport> starts = new HashMap<>();
        List<String> ended = new ArrayList<>();
        for (ReceivedReport received : batch) {
            RunReport report = received.report();
            if (report == null) {
                continue;
            }
            if (!report.isFinished() && outcomes.contains(attemptKey(report))) {
                starts.put(attemptKey(report), report);
            } else if (record(report, starts.remove(attemptKey(report))) && report.isFinished()) {
                ended.add(report.taskId());
            }
        }
        // a start whose outcome came first in the batch (from another control node's order) is stored alone
        starts.values().forEach(start -> record(start, null));
        return ended;
    }

    /**
     * Applies an agent's report if it belongs to the current attempt and moves the task forward; otherwise
     * records that it was ignored. {@code start} is the same attempt's start report when it came along.
     * Returns whether it was applied.
     */
    private boolean record(RunReport report, RunReport start) {
        int updated;
        if (report.isFinished()) {
            TaskState outcome = TaskState.valueOf(report.outcome());
            long startedAt = start != null ? start.at() : report.at();
            updated = sql.sql("UPDATE tasks SET state = ?, exit_code = ?, stdout = ?, stderr = ?, "
                            + "stdout_truncated = ?, stderr_truncated = ?, message = ?, finished_at = ?, "
                            + "started_at = COALESCE(started_at, ?) "
                            + "WHERE id = ? AND attempt = ? AND state IN ('DISPATCHED', 'RUNNING')")
                    .params(outcome.name(), report.exitCode(), report.stdout(), report.stderr(),
                            report.stdoutTruncated(), report.stderrTruncated(), truncate(report.message(), 1000),
                            report.at(), startedAt, report.taskId(), report.attempt())
                    .update();
            if (updated > 0) {
                if (start != null) {
                    startedEvent(start);
                }
                event(report.taskId(), report.at(), outcome, report.agent(), report.attempt(), finishedMessage(report));
            } else if (start != null) {
                recordIgnored(start);
            }
        } else {
            updated = sql.sql("UPDATE tasks SET state = 'RUNNING', started_at = ? "
                            + "WHERE id = ? AND attempt = ? AND state = 'DISPATCHED'")
                    .params(report.at(), report.taskId(), report.attempt()).update();
            if (updated > 0) {
                startedEvent(report);
            }
        }
        if (updated == 0 && !recordLateStart(report)) {
            recordIgnored(report);
        }
        return updated > 0;
    }

    private void startedEvent(RunReport start) {
        event(start.taskId(), start.at(), TaskState.RUNNING, start.agent(), start.attempt(), "started on " + start.agent());
    }

    private static String attemptKey(RunReport report) {
        return report.taskId() + ":" + report.attempt();
    }

    /** Cancels a task that has not finished. 404 when unknown, 409 when already finished. */
    @Transactional
    public TaskView cancel(String id) {
        String state = lockedState(id).orElseThrow(() -> ApiException.notFound("no task with id " + id));
        if (TaskState.valueOf(state).isTerminal()) {
            throw ApiException.conflict("task " + id + " already ended as " + state + "; nothing to cancel");
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
        int updated = sql.sql("UPDATE tasks SET started_at = ? WHERE id = ? AND attempt = ? "
                        + "AND state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')")
                .params(report.at(), report.taskId(), report.attempt()).update();
        if (updated > 0) {
            startedEvent(report);
        }
        return updated > 0;
    }

    private void recordIgnored(RunReport report) {
        find(report.taskId()).ifPresent(current -> event(report.taskId(), clock.millis(),
                TaskState.valueOf(current.state()), report.agent(), report.attempt(),
                "ignored '" + report.kind() + "' report of attempt " + report.attempt() + " from " + report.agent()
                        + ": the task is " + current.state() + " in attempt " + current.attempt()));
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

    private static TaskState parseState(String state) {
        try {
            return TaskState.valueOf(state.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state must be one of " + List.of(TaskState.values()) + ", got \"" + state + "\"");
        }
    }

    private TaskView view(ResultSet rs, int row) throws SQLException {
        TaskSpec spec = json.read(rs.getString("spec"), TaskSpec.class);
        return new TaskView(rs.getString("id"), rs.getString("type"), rs.getString("priority"),
                rs.getString("state"), rs.getString("idempotency_key"), rs.getString("agent"),
                rs.getInt("attempt"), spec.command(), spec.shell(), spec.env(), spec.workdir(),
                spec.timeoutSeconds(), spec.labels(), spec.agent(),
                (Integer) rs.getObject("exit_code", Integer.class), rs.getString("stdout"), rs.getString("stderr"),
                rs.getBoolean("stdout_truncated"), rs.getBoolean("stderr_truncated"), rs.getString("message"),
                instant(rs, "created_at"), instant(rs, "dispatched_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("job_id"), instant(rs, "scheduled_at"), null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}

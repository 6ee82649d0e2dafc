package routes.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.NotFound;
import routes.domain.Page;
import routes.message.DueRetry;
import routes.message.TaskSpec;
import routes.message.TaskState;

/** Reads of the tasks: for the API (a task, a filtered list) and for the loops that compare SQL with Redis. */
@Component
@ControlRole
public class TaskQueries {

    static final String COLUMNS = "id, type, priority, state, spec, idempotency_key, agent, attempt, exit_code, "
            + "message, created_at, dispatched_at, started_at, finished_at, job_id, scheduled_at, retry_at, exhausted, "
            + "broadcast_id, resident_id, workflow_id";

    /** The states of a task that has not ended, as an SQL list (a new state belongs here and in TaskState). */
    static final String ALIVE_STATES = "('WAITING', 'QUEUED', 'DISPATCHED', 'RUNNING', 'RETRYING')";

    private static final long OVERDUE_RETRY_MILLIS = 3000;

    private final JdbcClient sql;
    private final JsonCodec json;
    private final TaskEvents events;
    private final OutputStore outputs;
    private final Clock clock = Clock.systemUTC();

    public TaskQueries(JdbcClient sql, JsonCodec json, TaskEvents events, OutputStore outputs) {
        this.sql = sql;
        this.json = json;
        this.events = events;
        this.outputs = outputs;
    }

    /** The task as its row tells it: no events, no output. */
    public Optional<TaskView> find(String id) {
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = ?").param(id).query(this::view).optional();
    }

    /** The task with its event log and its current attempt's output; {@link NotFound} when unknown. */
    public TaskView get(String id) {
        TaskView task = find(id).orElseThrow(() -> notFound(id));
        return task.withEventsAndOutput(events.of(id), outputs.of(id, task.attempt()));
    }

    /** The tasks the filter keeps, newest first (without their output): the page it asks for, and how many in all. */
    public Map<String, Object> list(TaskFilter filter) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
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

    /** The ids the filter keeps, oldest first, at most {@code max} of them; and how many it keeps in all. */
    public Matched matching(TaskFilter filter, int max) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        long total = sql.sql("SELECT COUNT(*) FROM tasks" + where).params(params).query(Long.class).single();
        params.add(max);
        List<String> ids = sql.sql("SELECT id FROM tasks" + where + " ORDER BY created_at, id LIMIT ?")
                .params(params).query(String.class).list();
        return new Matched(total, ids);
    }

    /** What a filter matched: how many tasks in all, and the ids of the first of them. */
    public record Matched(long total, List<String> ids) {
    }

    private static String where(TaskFilter filter, List<Object> params) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        narrow(where, params, "state", filter.state() == null ? null : filter.state().name());
        narrow(where, params, "type", filter.type());
        narrow(where, params, "agent", filter.agent());
        narrow(where, params, "job_id", filter.job());
        narrow(where, params, "broadcast_id", filter.broadcast());
        narrow(where, params, "resident_id", filter.resident());
        narrow(where, params, "idempotency_key", filter.key());
        narrow(where, params, "exhausted", filter.exhausted());
        narrow(where, params, "workflow_id", filter.workflow());
        return where.toString();
    }

    private static void narrow(StringBuilder where, List<Object> params, String column, Object value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    /**
     * How many tasks are in each state that has not ended (WAITING, QUEUED, DISPATCHED, RUNNING, RETRYING), by the
     * state index.
     */
    public Map<String, Long> aliveByState() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String state : List.of("WAITING", "QUEUED", "DISPATCHED", "RUNNING", "RETRYING")) {
            counts.put(state, 0L);
        }
        sql.sql("SELECT state, COUNT(*) AS n FROM tasks WHERE state IN " + ALIVE_STATES + " GROUP BY state")
                .query(rs -> {
                    counts.put(rs.getString("state"), rs.getLong("n"));
                });
        return counts;
    }

    /** When each of these tasks was created (epoch ms), by id; unknown ids are left out. */
    public Map<String, Long> createdAt(Collection<String> ids) {
        Map<String, Long> created = new HashMap<>();
        if (ids.isEmpty()) {
            return created;
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        sql.sql("SELECT id, created_at FROM tasks WHERE id IN (" + marks + ")").params(List.copyOf(ids))
                .query(rs -> {
                    created.put(rs.getString("id"), rs.getLong("created_at"));
                });
        return created;
    }

    /**
     * When a task was made, dispatched and started (epoch ms; null when not yet), and its fire's scheduled time; and
     * what else hears of its ending: its job (whose chains it may start), its workflow, whether it names a callback.
     */
    record Times(String type, long createdAt, Long dispatchedAt, Long startedAt, Long scheduledAt, String jobId,
                 String workflowId, boolean callsBack) {
    }

    /** The {@link Times} of these tasks, by id, in one query; unknown ids are left out. */
    Map<String, Times> times(Collection<String> ids) {
        Map<String, Times> times = new HashMap<>();
        if (ids.isEmpty()) {
            return times;
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        sql.sql("SELECT id, type, created_at, dispatched_at, started_at, scheduled_at, job_id, workflow_id,"
                        + " callback IS NOT NULL AS calls_back FROM tasks WHERE id IN ("
                        + marks + ")").params(List.copyOf(ids))
                .query(rs -> {
                    times.put(rs.getString("id"), new Times(rs.getString("type"), rs.getLong("created_at"),
                            rs.getObject("dispatched_at", Long.class), rs.getObject("started_at", Long.class),
                            rs.getObject("scheduled_at", Long.class), rs.getString("job_id"),
                            rs.getString("workflow_id"), rs.getBoolean("calls_back")));
                });
        return times;
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
        return sql.sql("SELECT " + UNDISPATCHED + " FROM tasks t WHERE " + UNDISPATCHED_STATES)
                .query(this::undispatched).list();
    }

    /**
     * The tasks QUEUED or DISPATCHED among those with an event after {@code afterEventId} (every change of state
     * writes one, in the change's transaction) and those named, each once.
     */
    public List<Undispatched> undispatched(long afterEventId, Collection<String> alsoIds) {
        Map<String, Undispatched> found = new LinkedHashMap<>();
        sql.sql("SELECT DISTINCT " + UNDISPATCHED + " FROM task_events e JOIN tasks t ON t.id = e.task_id"
                        + " WHERE e.id > ? AND " + UNDISPATCHED_STATES)
                .param(afterEventId).query(this::undispatched).list()
                .forEach(task -> found.put(task.id(), task));
        List<String> named = List.copyOf(alsoIds);
        for (int from = 0; from < named.size(); from += 500) {
            List<String> chunk = named.subList(from, Math.min(named.size(), from + 500));
            sql.sql("SELECT " + UNDISPATCHED + " FROM tasks t WHERE " + UNDISPATCHED_STATES + " AND t.id IN ("
                            + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")
                    .params(chunk).query(this::undispatched).list()
                    .forEach(task -> found.put(task.id(), task));
        }
        return List.copyOf(found.values());
    }

    /** How many task events there are after this one. */
    public long eventsAfter(long eventId) {
        return sql.sql("SELECT COUNT(*) FROM task_events WHERE id > ?").param(eventId).query(Long.class).single();
    }

    /** The newest task event's id (0 when there is none). */
    public long lastEventId() {
        return sql.sql("SELECT COALESCE(MAX(id), 0) FROM task_events").query(Long.class).single();
    }

    private static final String UNDISPATCHED = "t.id, t.type, t.priority, t.state, t.attempt, t.agent";
    private static final String UNDISPATCHED_STATES = "t.state IN ('QUEUED', 'DISPATCHED')";

    private Undispatched undispatched(ResultSet rs, int row) throws SQLException {
        return new Undispatched(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getString(6));
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

    /** A resident's instances that have not ended, oldest first. */
    public List<TaskView> aliveInstances(String residentId) {
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE resident_id = ? AND state IN " + ALIVE_STATES
                        + " ORDER BY created_at, id")
                .param(residentId).query(this::view).list();
    }

    /** When an instance that ended started (null: it was cancelled before it started) and ended (epoch ms). */
    public record EndedRun(Long startedAt, long finishedAt) {
    }

    /** A resident's instances that ended after {@code since} (epoch ms), in the order they ended. */
    public List<EndedRun> endedInstances(String residentId, long since) {
        return sql.sql("SELECT started_at, finished_at FROM tasks WHERE resident_id = ? AND finished_at > ? "
                        + "AND state NOT IN " + ALIVE_STATES + " ORDER BY finished_at")
                .params(residentId, since)
                .query((rs, n) -> {
                    long started = rs.getLong(1);
                    return new EndedRun(rs.wasNull() ? null : started, rs.getLong(2));
                })
                .list();
    }

    /** A task that ended failed (or timed out) with no attempt left, at {@code finishedAt} (epoch ms). */
    public record Exhausted(String id, String type, String jobId, long finishedAt) {
    }

    /** Tasks that exhausted their attempts since {@code since} (epoch ms), newest first, at most 1000 (index tasks_by_end). */
    public List<Exhausted> exhaustedSince(long since) {
        return sql.sql("SELECT id, type, job_id, finished_at FROM tasks WHERE state IN ('FAILED', 'TIMED_OUT') "
                        + "AND finished_at >= ? AND exhausted = TRUE ORDER BY finished_at DESC LIMIT 1000")
                .param(since)
                .query((rs, n) -> new Exhausted(rs.getString("id"), rs.getString("type"), rs.getString("job_id"),
                        rs.getLong("finished_at")))
                .list();
    }

    /** When a run of the job last succeeded (epoch ms); empty when none did (or it was pruned). */
    public Optional<Long> lastSuccess(String jobId) {
        return sql.sql("SELECT MAX(finished_at) FROM tasks WHERE job_id = ? AND state = 'SUCCEEDED'")
                .param(jobId).query(Long.class).list().stream().filter(Objects::nonNull).findFirst();
    }

    /** Retries due more than a few seconds ago and still waiting: Redis lost them, or a node died holding them. */
    public List<DueRetry> overdueRetries() {
        return sql.sql("SELECT id, retry_at FROM tasks WHERE state = 'RETRYING' AND retry_at < ? LIMIT 1000")
                .param(clock.millis() - OVERDUE_RETRY_MILLIS)
                .query((rs, n) -> new DueRetry(rs.getString("id"), rs.getLong("retry_at"))).list();
    }

    /** True when the task has reached a terminal state (or does not exist): nothing more to dispatch. */
    public boolean isSettled(String id) {
        return find(id).map(t -> TaskState.valueOf(t.state()).isTerminal()).orElse(true);
    }

    Optional<TaskView> findByKey(String type, String key) {
        return sql.sql("SELECT " + COLUMNS + " FROM tasks WHERE type = ? AND idempotency_key = ?")
                .params(type, key).query(this::view).optional();
    }

    static NotFound notFound(String id) {
        return new NotFound("no task with id " + id);
    }

    private TaskView view(ResultSet rs, int row) throws SQLException {
        TaskSpec spec = json.read(rs.getString("spec"), TaskSpec.class);
        return new TaskView(rs.getString("id"), rs.getString("type"), rs.getString("priority"),
                rs.getString("state"), rs.getString("idempotency_key"), rs.getString("agent"),
                rs.getInt("attempt"), spec.command(), spec.shell(), spec.env(), spec.workdir(),
                spec.timeoutSeconds(), spec.labels(), spec.agent(), spec.retry(), spec.code(), spec.payload(),
                (Integer) rs.getObject("exit_code", Integer.class), null, rs.getString("message"),
                instant(rs, "created_at"), instant(rs, "dispatched_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), instant(rs, "retry_at"), rs.getBoolean("exhausted"), rs.getString("job_id"),
                instant(rs, "scheduled_at"), rs.getString("broadcast_id"), rs.getString("resident_id"), null, null,
                spec.callback(), rs.getString("workflow_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}

package routes.task;

import java.time.Clock;
import java.time.Instant;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
import routes.message.ReclaimedEntry;
import routes.message.TaskSpec;
import routes.message.TaskState;

/**
 * The system of record for tasks: their lifecycle writes (submitted, dispatched, re-queued, retried, cancelled).
 * Every change of state is a conditional update (so a late or repeated message cannot move a task backwards) plus
 * an event row in the same transaction. Agents' reports are recorded by {@link ReportRecorder}; reads are
 * {@link TaskQueries}.
 */
@Component
@ControlRole
public class TaskStore {

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final JsonCodec json;
    private final TaskQueries queries;
    private final TaskEvents events;
    private final TaskMeters meters;
    private final OutputStore outputs;
    private final CallbackStore callbacks;
    private final WorkflowStore workflows;
    private final Clock clock = Clock.systemUTC();

    public TaskStore(JdbcClient sql, JdbcTemplate batch, JsonCodec json, TaskQueries queries, TaskEvents events,
                     TaskMeters meters, OutputStore outputs, CallbackStore callbacks, WorkflowStore workflows) {
        this.sql = sql;
        this.batch = batch;
        this.json = json;
        this.queries = queries;
        this.events = events;
        this.meters = meters;
        this.outputs = outputs;
        this.callbacks = callbacks;
        this.workflows = workflows;
    }

    /**
     * Stores a new QUEUED task, or returns the existing one when its type and key were seen before. Read
     * committed: after losing a race on the key, the winner's row must be visible to the re-read.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Submitted submit(NewTask task) {
        if (task.key() != null) {
            Optional<TaskView> existing = queries.findByKey(task.spec().type(), task.key());
            if (existing.isPresent()) {
                return new Submitted(existing.get(), false);
            }
        }
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        try {
            sql.sql("INSERT INTO tasks (id, type, priority, state, spec, idempotency_key, attempt, created_at, callback) "
                            + "VALUES (?, ?, ?, 'QUEUED', ?, ?, 0, ?, ?)")
                    .params(id, task.spec().type(), task.spec().priority(), json.write(task.spec()), task.key(), now,
                            task.spec().callback())
                    .update();
        } catch (DuplicateKeyException raced) {
            // another request with the same key committed first
            return new Submitted(queries.findByKey(task.spec().type(), task.key()).orElseThrow(), false);
        }
        events.add(id, now, TaskState.QUEUED, null, 0, "submitted");
        meters.submitted(task.spec().type());
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
        List<TaskEvents.Line> lines = new ArrayList<>(queued.size());
        for (QueuedRow row : queued) {
            TaskSpec spec = row.spec();
            rows.add(new Object[] {row.id(), spec.type(), spec.priority(), json.write(spec), now, row.jobId(),
                    row.scheduledAt(), row.broadcastId(), row.residentId(), spec.callback()});
            lines.add(new TaskEvents.Line(row.id(), now, TaskState.QUEUED, null, 0, row.message(), row.jobId()));
            created.add(queuedView(row.id(), spec, null, now, row.jobId(),
                    row.scheduledAt() == null ? null : Instant.ofEpochMilli(row.scheduledAt()), row.broadcastId(),
                    row.residentId()));
        }
        batch.batchUpdate("INSERT INTO tasks (id, type, priority, state, spec, attempt, created_at, job_id, scheduled_at, "
                + "broadcast_id, resident_id, callback) VALUES (?, ?, ?, 'QUEUED', ?, 0, ?, ?, ?, ?, ?, ?)", rows);
        events.addAll(lines);
        queued.forEach(row -> meters.submitted(row.spec().type()));
        return created;
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
                spec.agent(), spec.retry(), spec.code(), spec.payload(), null, null, null, Instant.ofEpochMilli(now),
                null, null, null, null, false, jobId, scheduledAt, broadcastId, residentId, null, null, spec.callback(), null);
    }

    /**
     * Takes a QUEUED task for an agent: DISPATCHED, next attempt. Empty when the task is not QUEUED any more
     * (another control node took it, or it was cancelled).
     */
    @Transactional
    public OptionalInt claim(String id, String agent) {
        return claimFor(id, agent).map(c -> OptionalInt.of(c.attempt())).orElse(OptionalInt.empty());
    }

    /** {@link #claim}, with how long the task waited for its first dispatch (for the dispatch latency). */
    @Transactional
    public Optional<Claim> claimFor(String id, String agent) {
        return Optional.ofNullable(claimAll(List.of(new Handout(id, agent))).get(id));
    }

    /** A task a dispatch pass hands to an agent. */
    public record Handout(String taskId, String agent) {
    }

    /**
     * {@link #claimFor} for all the tasks one dispatch pass hands out, in one transaction: one batch of conditional
     * updates, one read of the attempts, one batch of events. Returns the claims won, by task id; a task missing from
     * it was not QUEUED any more.
     */
    @Transactional
    public Map<String, Claim> claimAll(List<Handout> handouts) {
        if (handouts.isEmpty()) {
            return Map.of();
        }
        long now = clock.millis();
        int[] updated = batch.batchUpdate("UPDATE tasks SET state = 'DISPATCHED', agent = ?, attempt = attempt + 1, "
                        + "dispatched_at = ? WHERE id = ? AND state = 'QUEUED'",
                handouts.stream().map(h -> new Object[] {h.agent(), now, h.taskId()}).toList());
        String marks = String.join(", ", Collections.nCopies(handouts.size(), "?"));
        Map<String, Claim> read = new HashMap<>();
        Map<String, String> holders = new HashMap<>();
        sql.sql("SELECT id, agent, dispatched_at, attempt, attempt_floor, created_at FROM tasks WHERE id IN (" + marks
                        + ")")
                .params(handouts.stream().map(Handout::taskId).toList())
                .query(rs -> {
                    int attempt = rs.getInt("attempt");
                    read.put(rs.getString("id"), new Claim(attempt, attempt == 1 && rs.getInt("attempt_floor") == 0
                            ? Math.max(0, now - rs.getLong("created_at")) : -1));
                    holders.put(rs.getString("id"), rs.getLong("dispatched_at") == now ? rs.getString("agent") : null);
                });
        Map<String, Claim> claims = new HashMap<>();
        List<TaskEvents.Line> lines = new ArrayList<>();
        for (int i = 0; i < handouts.size(); i++) {
            Handout handout = handouts.get(i);
            // a driver that batches the updates into one may not count each: then the row tells who holds the task
            boolean won = updated[i] > 0 || updated[i] == Statement.SUCCESS_NO_INFO
                    && handout.agent().equals(holders.get(handout.taskId()));
            Claim claim = read.get(handout.taskId());
            if (won && claim != null) {
                claims.put(handout.taskId(), claim);
                lines.add(new TaskEvents.Line(handout.taskId(), now, TaskState.DISPATCHED, handout.agent(),
                        claim.attempt(), "dispatched to " + handout.agent(), null));
            }
        }
        events.addAll(lines);
        return claims;
    }

    /**
     * A task claimed for an agent.
     *
     * @param waitedMillis since its submission, when this is its first dispatch; -1 otherwise
     */
    public record Claim(int attempt, long waitedMillis) {
    }

    /** Gives back a claim whose placement failed in Redis: the task is QUEUED again. */
    @Transactional
    public void unclaim(String id, int attempt, String reason) {
        long now = clock.millis();
        int updated = sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, dispatched_at = NULL "
                        + "WHERE id = ? AND attempt = ? AND state = 'DISPATCHED'")
                .params(id, attempt).update();
        if (updated > 0) {
            events.add(id, now, TaskState.QUEUED, null, attempt, reason);
        }
    }

    /**
     * Puts the tasks taken back from agents (dead, or draining) in the QUEUED state, each only if it is still at
     * the attempt that agent had, and still with that agent: an entry for an older attempt, for a task that ended,
     * or for another agent's attempt (an agent hands back only its own work), changes nothing. Returns the tasks
     * re-queued.
     */
    @Transactional
    public List<TaskView> requeueReclaimed(List<ReclaimedEntry> entries) {
        long now = clock.millis();
        List<TaskView> requeued = new ArrayList<>();
        for (ReclaimedEntry entry : entries) {
            // a draining agent hands back only what it never started: a task that runs there stays with it
            String states = ReclaimedEntry.DRAINED.equals(entry.why()) ? "('DISPATCHED')" : "('DISPATCHED', 'RUNNING')";
            int updated = sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, dispatched_at = NULL, "
                            + "started_at = NULL WHERE id = ? AND attempt = ? AND agent = ? AND state IN " + states)
                    .params(entry.taskId(), entry.attempt(), entry.agent()).update();
            if (updated > 0) {
                events.add(entry.taskId(), now, TaskState.QUEUED, entry.agent(), entry.attempt(), entry.reason());
                queries.find(entry.taskId()).ifPresent(task -> {
                    requeued.add(task);
                    meters.requeued(task.type(), entry.why());
                });
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
                TaskView task = queries.find(id).orElseThrow();
                events.add(id, now, TaskState.QUEUED, null, task.attempt(), "retry due: back in its queue");
                requeued.add(task);
            }
        }
        return requeued;
    }

    /**
     * Runs an ended task again (the dead-letter view's "retry"): QUEUED, with its retry policy's attempts
     * counted afresh. {@link NotFound} when unknown, a {@link Conflict} when it has not ended or succeeded.
     */
    @Transactional
    public TaskView retry(String id) {
        String state = lockedState(id).orElseThrow(() -> TaskQueries.notFound(id));
        if (!state.equals("FAILED") && !state.equals("TIMED_OUT") && !state.equals("CANCELLED")) {
            throw new Conflict("task " + id + " is " + state
                    + "; only a FAILED, TIMED_OUT or CANCELLED task can be retried");
        }
        sql.sql("UPDATE tasks SET state = 'QUEUED', agent = NULL, exit_code = NULL, message = NULL, "
                + "dispatched_at = NULL, started_at = NULL, finished_at = NULL, retry_at = NULL, exhausted = FALSE, "
                + "attempt_floor = attempt WHERE id = ?").param(id).update();
        outputs.forget(id);
        TaskView task = queries.find(id).orElseThrow();
        events.add(id, clock.millis(), TaskState.QUEUED, null, task.attempt(), "retried by request after it ended " + state);
        return task;
    }

    /** Cancels a task that has not finished. {@link NotFound} when unknown, a {@link Conflict} when already finished. */
    @Transactional
    public TaskView cancel(String id) {
        String state = lockedState(id).orElseThrow(() -> TaskQueries.notFound(id));
        if (TaskState.valueOf(state).isTerminal()) {
            throw new Conflict("task " + id + " already ended as " + state + "; nothing to cancel");
        }
        return cancelIfAlive(id, "cancelled by request").orElseThrow();
    }

    /**
     * Cancels a task that has not finished, with the reason in its record; empty when it has ended. With it, in the same
     * transaction, its callback if it names one, and its waiting dependants in a workflow are cancelled or let run.
     */
    @Transactional
    public Optional<TaskView> cancelIfAlive(String id, String reason) {
        Optional<String> previous = lockedState(id);
        if (previous.isEmpty() || TaskState.valueOf(previous.get()).isTerminal()) {
            return Optional.empty();
        }
        long now = clock.millis();
        sql.sql("UPDATE tasks SET state = 'CANCELLED', finished_at = ?, message = ? WHERE id = ?")
                .params(now, TaskEvents.fit(reason), id).update();
        TaskView cancelled = queries.find(id).orElseThrow();
        events.add(id, now, TaskState.CANCELLED, cancelled.agent(), cancelled.attempt(), reason + " while " + previous.get());
        meters.ended(cancelled.type(), TaskState.CANCELLED.name(), now - cancelled.createdAt().toEpochMilli());
        callbacks.ended(List.of(id));
        workflows.ended(List.of(id));
        return Optional.of(cancelled);
    }

    /**
     * A task's state as last committed, not as this transaction's snapshot may still show it, locked until the
     * transaction ends.
     */
    private Optional<String> lockedState(String id) {
        return sql.sql("SELECT state FROM tasks WHERE id = ? FOR UPDATE").param(id).query(String.class).optional();
    }

}

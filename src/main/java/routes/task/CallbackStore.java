package routes.task;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.CallbackProperties;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.config.Wakeups;
import routes.logs.AfterCommit;
import routes.message.RetryPolicy;
import routes.message.TaskState;
import routes.webhook.ClaimedOutbox;

/**
 * The callbacks of tasks that ended (task_callbacks): one per ending of a task that names a callback url, written
 * in the transaction that ends the task, with the task's view as it ended. PENDING until DELIVERED or, after its
 * last attempt (or when its url is refused at send time), FAILED. A failed attempt makes it due again after a
 * backoff that doubles with each failure. One node at a time attempts a due callback ({@link ClaimedOutbox}). Every
 * attempt is an event of the task. The loop that sends them waits while none can be due ({@link #awaitDue}).
 */
@Component
@ControlRole
public class CallbackStore {

    private final JdbcClient sql;
    private final JsonCodec json;
    private final TaskQueries queries;
    private final TaskEvents events;
    private final OutputStore outputs;
    private final CallbackProperties callbacks;
    private final ClaimedOutbox outbox;
    private final Clock clock = Clock.systemUTC();

    public CallbackStore(JdbcClient sql, JsonCodec json, TaskQueries queries, TaskEvents events, OutputStore outputs,
                         CallbackProperties callbacks, ControlProperties control,
                         Wakeups wakeups) {
        this.sql = sql;
        this.json = json;
        this.queries = queries;
        this.events = events;
        this.outputs = outputs;
        this.callbacks = callbacks;
        this.outbox = new ClaimedOutbox(sql, "task_callbacks", control.nodeId(), wakeups.create());
    }

    /**
     * Waits until callbacks may be due: a task that names one ended on this node, one that failed here is due again,
     * the last look found a full page, or {@code caravan.callbacks.check-millis} passed.
     */
    public void awaitDue() throws InterruptedException {
        outbox.awaitDue(callbacks.checkMillis());
    }

    /**
     * In the caller's transaction, the one that ended these tasks for good: a PENDING callback, due now, for each of
     * them that names a url, holding its view as GET /api/tasks/{id} shows it (with its events and, for a payload
     * task, the result its worker reported) but without the stdout and stderr of a command. One read finds them
     * among all the tasks given, by the callback column.
     */
    void ended(Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(taskIds.size(), "?"));
        List<String> withCallback = sql.sql("SELECT id FROM tasks WHERE id IN (" + marks + ") AND callback IS NOT NULL")
                .params(List.copyOf(taskIds)).query(String.class).list();
        long now = clock.millis();
        for (String id : withCallback) {
            TaskView task = queries.find(id).orElseThrow();
            String result = outputs.of(id, task.attempt()).result();
            String body = json.write(task.withEventsAndOutput(events.of(id), RecordedOutput.resultOnly(result)));
            sql.sql("INSERT INTO task_callbacks (task_id, url, ended_state, ended_attempt, body, state, attempts,"
                            + " next_attempt_at, claimed_until, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, ?)")
                    .params(id, task.callback(), task.state(), task.attempt(), body, ClaimedOutbox.PENDING, now, now)
                    .update();
        }
        if (!withCallback.isEmpty()) {
            AfterCommit.run(outbox::recorded);
        }
    }

    /** The ids of callbacks due now and taken by no node, most overdue first. */
    public List<Long> due(int limit) {
        return outbox.due(clock.millis(), limit);
    }

    /**
     * Takes a due callback for this node, for as long as an attempt may take; null when it is not due (any more):
     * another node took it, or it ended.
     */
    @Transactional
    public CallbackAttempt claim(long id) {
        long now = clock.millis();
        if (!outbox.claim(id, now, 2 * callbacks.timeout().toMillis() + 10_000)) {
            return null;
        }
        return sql.sql("SELECT id, task_id, url, body, ended_state, ended_attempt, attempts FROM task_callbacks"
                        + " WHERE id = ?").param(id)
                .query((rs, n) -> new CallbackAttempt(rs.getLong("id"), rs.getString("task_id"), rs.getString("url"),
                        rs.getString("body"), rs.getString("ended_state"), rs.getInt("ended_attempt"),
                        rs.getInt("attempts") + 1, now))
                .single();
    }

    /** The receiver answered 2xx: the callback is DELIVERED. */
    @Transactional
    public void delivered(CallbackAttempt attempt, int status) {
        long now = clock.millis();
        outbox.end(attempt.id(), ClaimedOutbox.DELIVERED, attempt.attempt(), now);
        event(attempt, now, "callback delivered: attempt " + attempt.attempt() + " of " + callbacks.attempts()
                + ", answered " + status + " in " + (now - attempt.startedAt()) + " ms");
    }

    /**
     * The attempt failed: the callback is due again after its backoff, or, after its last attempt, FAILED. A refused
     * url ({@code refused}) is not tried again: it is FAILED at once.
     */
    @Transactional
    public void failed(CallbackAttempt attempt, String reason, boolean refused) {
        long now = clock.millis();
        if (refused) {
            outbox.end(attempt.id(), ClaimedOutbox.FAILED, attempt.attempt(), now);
            event(attempt, now, "callback not sent: " + reason);
        } else if (attempt.attempt() >= callbacks.attempts()) {
            outbox.end(attempt.id(), ClaimedOutbox.FAILED, attempt.attempt(), now);
            event(attempt, now, "callback gave up after " + attempt.attempt()
                    + (attempt.attempt() == 1 ? " attempt: " : " attempts: ") + reason);
        } else {
            long wait = backoff().delayMillis(attempt.attempt());
            outbox.retryAt(attempt.id(), attempt.attempt(), now + wait);
            event(attempt, now, "callback attempt " + attempt.attempt() + " of " + callbacks.attempts() + " failed: "
                    + reason + "; next in " + Duration.ofMillis(wait).toMillis() / 1000.0 + " s");
        }
    }

    /** The waits between attempts: exponential from backoff, capped at max-backoff, with jitter, as a task's retries. */
    private RetryPolicy backoff() {
        return new RetryPolicy(callbacks.attempts(), callbacks.backoff().toString(), callbacks.maxBackoff().toString(),
                true);
    }

    /** An event of the task, in the state it ended in (the callback changes no state). */
    private void event(CallbackAttempt attempt, long now, String message) {
        events.add(attempt.taskId(), now, TaskState.valueOf(attempt.endedState()), null, attempt.endedAttempt(), message);
    }
}

package routes.task;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.message.DueRetry;
import routes.message.RetryPolicy;
import routes.message.RunReport;
import routes.message.TaskSpec;
import routes.message.TaskState;

/**
 * Records agents' reports on the tasks: an attempt started, or ended (and then whether it is retried). A report
 * counts only for the current attempt and from the agent it was dispatched to; any other is recorded as ignored.
 */
@Component
@ControlRole
public class ReportRecorder {

    private final JdbcClient sql;
    private final JsonCodec json;
    private final TaskQueries queries;
    private final TaskEvents events;
    private final TaskMeters meters;
    private final OutputStore outputs;
    private final CallbackStore callbacks;
    private final ChainStore chains;
    private final WorkflowStore workflows;
    private final Clock clock = Clock.systemUTC();

    public ReportRecorder(JdbcClient sql, JsonCodec json, TaskQueries queries, TaskEvents events, TaskMeters meters,
                          OutputStore outputs, CallbackStore callbacks, ChainStore chains, WorkflowStore workflows) {
        this.sql = sql;
        this.json = json;
        this.queries = queries;
        this.events = events;
        this.meters = meters;
        this.outputs = outputs;
        this.callbacks = callbacks;
        this.chains = chains;
        this.workflows = workflows;
    }

    /**
     * Stores a batch of agents' reports in one transaction. A start and
     * the outcome of the same attempt in one batch are stored with one update. Returns the tasks that ended
     * with this batch, and those that wait for a retry. The tasks' times, for the metrics, are read once per batch;
     * the output of the attempts that ended, when they wrote any, is stored in one statement after them, and then
     * the callback of each task that ended for good and names one ({@link CallbackStore#ended}), the runs of the
     * jobs each chains to ({@link ChainStore#ended}) and the waiting tasks of a workflow it lets run or cancels
     * ({@link WorkflowStore#ended}).
     */
    @Transactional
    public Recorded recordAll(List<RunReport> batch) {
        return record(batch, Map.of());
    }

    /**
     * {@link #recordAll}, with the results workers reported with their outcomes, by "taskId:attempt": each is stored
     * with its outcome when that is applied, before a workflow's children are given it.
     */
    private Recorded record(List<RunReport> batch, Map<String, String> results) {
        Set<String> outcomes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (RunReport report : batch) {
            ids.add(report.taskId());
            if (report.isFinished()) {
                outcomes.add(attemptKey(report));
            }
        }
        Map<String, RunReport> starts = new HashMap<>();
        List<String> ended = new ArrayList<>();
        List<DueRetry> retries = new ArrayList<>();
        Map<String, TaskQueries.Times> times = queries.times(ids);
        List<RunReport> endsApplied = new ArrayList<>();
        for (RunReport report : batch) {
            if (!report.isFinished() && outcomes.contains(attemptKey(report))) {
                starts.put(attemptKey(report), report);
                continue;
            }
            long recorded = record(report, starts.remove(attemptKey(report)), times.get(report.taskId()), endsApplied);
            if (recorded > 0) {
                retries.add(new DueRetry(report.taskId(), recorded));
            } else if (recorded == 0 && report.isFinished()) {
                ended.add(report.taskId());
            }
        }
        // a start whose outcome came first in the batch (from another control node's order) is stored alone
        starts.values().forEach(start -> record(start, null, times.get(start.taskId()), endsApplied));
        outputs.record(endsApplied);
        for (RunReport end : endsApplied) {
            String result = results.get(attemptKey(end));
            if (result != null) {
                outputs.recordResult(end.taskId(), end.attempt(), result);
            }
        }
        // each of these reads only the tasks it concerns: most tasks name no callback and belong to no job or workflow
        callbacks.ended(endedWith(ended, times, TaskQueries.Times::callsBack));
        chains.ended(endedWith(ended, times, t -> t.jobId() != null));
        workflows.ended(endedWith(ended, times, t -> t.workflowId() != null));
        return new Recorded(ended, retries);
    }

    /**
     * Applies an agent's report if it belongs to the current attempt, from the agent that attempt was dispatched
     * to, and moves the task forward; otherwise
     * records that it was ignored. {@code start} is the same attempt's start report when it came along. A
     * failed (or timed-out) attempt with attempts left makes the task RETRYING. Returns -1 when the report was
     * not applied, the time of the retry when one is due, 0 otherwise. {@code times}: the task's as the batch
     * began (null if unknown), for the metrics. An applied end joins {@code applied}, whose output is stored after.
     */
    private long record(RunReport report, RunReport start, TaskQueries.Times times, List<RunReport> applied) {
        int updated;
        long retryAt = 0;
        if (report.isFinished()) {
            Attempts attempts = attempts(report);
            TaskState state = attempts.retryAt() > 0 ? TaskState.RETRYING : TaskState.valueOf(report.outcome());
            long startedAt = start != null ? start.at() : report.at();
            updated = sql.sql("UPDATE tasks SET state = ?, exit_code = ?, message = ?, finished_at = ?, "
                            + "started_at = COALESCE(started_at, ?), retry_at = ?, exhausted = ? "
                            + "WHERE id = ? AND attempt = ? AND agent = ? AND state IN ('DISPATCHED', 'RUNNING')")
                    .params(state.name(), report.exitCode(), TaskEvents.fit(report.message()),
                            state == TaskState.RETRYING ? null : report.at(), startedAt,
                            attempts.retryAt() > 0 ? attempts.retryAt() : null, attempts.exhausted(), report.taskId(),
                            report.attempt(), report.agent())
                    .update();
            if (updated > 0) {
                applied.add(report);
                if (start != null) {
                    startedEvent(start);
                    countStart(start, times);
                }
                events.add(report.taskId(), report.at(), state, report.agent(), report.attempt(),
                        finishedMessage(report) + attempts.note());
                retryAt = attempts.retryAt();
                countEnd(report, state, attempts.exhausted(), start, times);
            } else if (start != null) {
                recordIgnored(start);
            }
        } else {
            updated = sql.sql("UPDATE tasks SET state = 'RUNNING', started_at = ? "
                            + "WHERE id = ? AND attempt = ? AND agent = ? AND state = 'DISPATCHED'")
                    .params(report.at(), report.taskId(), report.attempt(), report.agent()).update();
            if (updated > 0) {
                startedEvent(report);
                countStart(report, times);
            }
        }
        if (updated == 0 && !recordLateStart(report, times)) {
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
        events.add(start.taskId(), start.at(), TaskState.RUNNING, start.agent(), start.attempt(), "started on " + start.agent());
    }

    private void countStart(RunReport start, TaskQueries.Times times) {
        if (times != null) {
            meters.started(times.type(), times.dispatchedAt() == null ? -1 : start.at() - times.dispatchedAt(),
                    times.scheduledAt() == null || start.attempt() != 1 ? -1 : start.at() - times.scheduledAt());
        }
    }

    /** An attempt that ended (its start report came with it, or not): the task ended, or waits for a retry. */
    private void countEnd(RunReport end, TaskState state, boolean exhausted, RunReport start, TaskQueries.Times times) {
        if (times == null) {
            return;
        }
        long startedAt = start != null ? start.at() : times.startedAt() != null ? times.startedAt() : end.at();
        meters.attemptEnded(times.type(), end.outcome(), Math.max(0, end.at() - startedAt));
        if (state == TaskState.RETRYING) {
            meters.retryScheduled(times.type());
        } else {
            meters.ended(times.type(), state.name(), end.at() - times.createdAt());
            if (exhausted) {
                meters.exhausted(times.type());
            }
        }
    }

    private static String attemptKey(RunReport report) {
        return report.taskId() + ":" + report.attempt();
    }

    /**
     * With several control nodes, a "started" report can be stored after the outcome of the same attempt.
     * It is no stale report: the start happened, so it is recorded with its own time.
     */
    private boolean recordLateStart(RunReport report, TaskQueries.Times times) {
        if (report.isFinished()) {
            return false;
        }
        int updated = sql.sql("UPDATE tasks SET started_at = ? WHERE id = ? AND attempt = ? AND agent = ? "
                        + "AND state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')")
                .params(report.at(), report.taskId(), report.attempt(), report.agent()).update();
        if (updated > 0) {
            startedEvent(report);
            countStart(report, times);
        }
        return updated > 0;
    }

    private void recordIgnored(RunReport report) {
        queries.find(report.taskId()).ifPresent(current -> recordIgnored(report, current, "the task is "
                + current.state() + " in attempt " + current.attempt()
                + (current.agent() == null || current.agent().equals(report.agent()) ? "" : " on " + current.agent())));
    }

    /** Records that a report was not applied, for a reason its caller knows (a worker's lease had lapsed). */
    public void recordIgnored(RunReport report, String why) {
        queries.find(report.taskId()).ifPresent(current -> recordIgnored(report, current, why));
    }

    private void recordIgnored(RunReport report, TaskView current, String why) {
        events.add(report.taskId(), clock.millis(), TaskState.valueOf(current.state()), report.agent(),
                report.attempt(), "ignored '" + report.kind() + "' report of attempt " + report.attempt() + " from "
                        + report.agent() + ": " + why);
    }

    /**
     * Records a worker's outcome of a leased attempt, as any report, and with it (in the same transaction) the result
     * the worker gave, when the outcome was applied. Returns what {@link #recordAll} does: empty when ignored.
     */
    @Transactional
    public Recorded recordWorkerOutcome(RunReport end, String result) {
        return record(List.of(end), result == null ? Map.of() : Map.of(attemptKey(end), result));
    }

    private static List<String> endedWith(List<String> ended, Map<String, TaskQueries.Times> times,
                                          Predicate<TaskQueries.Times> concerned) {
        return ended.stream().filter(id -> times.containsKey(id) && concerned.test(times.get(id))).toList();
    }

    private static String finishedMessage(RunReport report) {
        String base = report.outcome().toLowerCase() + " on " + report.agent()
                + (report.exitCode() == null ? "" : " with exit code " + report.exitCode());
        return report.message() == null ? base : base + ": " + report.message();
    }
}

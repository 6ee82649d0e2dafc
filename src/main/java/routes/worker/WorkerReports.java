package routes.worker;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.dispatch.TaskQueues;
import routes.domain.Conflict;
import routes.message.InboxEntry;
import routes.message.RunReport;
import routes.redis.LeaseBook;
import routes.redis.RetryQueue;
import routes.task.Recorded;
import routes.task.ReportRecorder;

/**
 * What a worker says about a lease it holds: extend it, or end it with the outcome. An outcome counts only while the
 * worker holds the lease (it has not expired, been taken back or cancelled) and for the task's current attempt from
 * that worker; any other is recorded on the task as ignored and answered with 409. An applied outcome is stored
 * before the lease is released: then, as for agents' reports, the task's spec leaves Redis or its retry is scheduled.
 */
@Component
@ControlRole
public class WorkerReports {

    private final LeaseBook leases;
    private final ReportRecorder recorder;
    private final TaskQueues queues;
    private final RetryQueue retries;
    private final Clock clock = Clock.systemUTC();

    public WorkerReports(LeaseBook leases, ReportRecorder recorder, TaskQueues queues, RetryQueue retries) {
        this.leases = leases;
        this.recorder = recorder;
        this.queues = queues;
        this.retries = retries;
    }

    /** The lease's new expiry; {@link Conflict} when the worker holds no such live lease. */
    public Map<String, Object> extend(String workerId, InboxEntry lease, long leaseMillis) {
        long expiry = leases.extend(workerId, lease.toString(), leaseMillis);
        if (expiry < 0) {
            throw new Conflict(lapsed(workerId, lease) + "; stop working on it");
        }
        leases.heartbeat(workerId, null);
        return Map.of("leaseId", lease.toString(), "expiresAt", Instant.ofEpochMilli(expiry));
    }

    /**
     * Records the outcome of a leased attempt, with the worker's result and message; returns the task's state after it.
     */
    public Map<String, Object> report(String workerId, InboxEntry lease, WorkerOutcome outcome) {
        RunReport end = new RunReport(RunReport.FINISHED, lease.taskId(), lease.attempt(), workerId, clock.millis(),
                outcome.outcome(), null, null, null, false, false, outcome.message());
        if (!leases.live(workerId, lease.toString())) {
            recorder.recordIgnored(end, "its lease had expired, was taken back or the task was cancelled");
            throw new Conflict(lapsed(workerId, lease) + "; the report is recorded as ignored");
        }
        Recorded recorded = recorder.recordWorkerOutcome(end, outcome.result());
        queues.forget(recorded.ended());
        retries.schedule(recorded.retries());
        leases.release(workerId, lease.toString());
        if (recorded.ended().isEmpty() && recorded.retries().isEmpty()) {
            throw new Conflict("task " + lease.taskId() + " has moved on from attempt " + lease.attempt()
                    + "; the report is recorded as ignored");
        }
        return Map.of("leaseId", lease.toString(), "taskId", lease.taskId(),
                "state", recorded.retries().isEmpty() ? outcome.outcome() : "RETRYING");
    }

    private static String lapsed(String workerId, InboxEntry lease) {
        return "worker " + workerId + " holds no lease " + lease + ": it expired, was taken back or its task was"
                + " cancelled";
    }
}

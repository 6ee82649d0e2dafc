package routes.task;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.message.PlannedFire;
import routes.message.TaskState;
import routes.redis.TimeWheel;

/**
 * Job chains: when a job's run ends for good, the jobs its onSuccess (the run SUCCEEDED) or onFailure (FAILED or
 * TIMED_OUT with no attempt left) names get a run. Decided in the transaction that ends the run, as a fire of each
 * chained job due now (job_fires), so a crash cannot lose it: PLANNED, then taken like any fire under that job's
 * overlap policy and maxRunning, or SKIPPED at once when that job is paused. Once the ending commits the fires go
 * on the time wheel; if that is lost, the planner puts overdue fires back. A cancelled run starts nothing.
 */
@Component
@ControlRole
public class ChainStore {

    private static final Logger log = LoggerFactory.getLogger(ChainStore.class);

    private final JdbcClient sql;
    private final JsonCodec json;
    private final TimeWheel wheel;
    private final Clock clock = Clock.systemUTC();

    public ChainStore(JdbcClient sql, JsonCodec json, TimeWheel wheel) {
        this.sql = sql;
        this.json = json;
        this.wheel = wheel;
    }

    private record Ended(String taskId, String state, String jobName, String chained) {
    }

    /** In the caller's transaction, the one that ended these tasks for good: a fire of each job their runs chain to. */
    void ended(Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(taskIds.size(), "?"));
        List<Ended> ended = sql.sql("SELECT t.id, t.state, j.name, CASE WHEN t.state = 'SUCCEEDED' THEN j.on_success"
                        + " ELSE j.on_failure END AS chained FROM tasks t JOIN jobs j ON j.id = t.job_id"
                        + " WHERE t.id IN (" + marks + ") AND t.state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT')")
                .params(List.copyOf(taskIds))
                .query((rs, n) -> new Ended(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
        long now = clock.millis();
        List<PlannedFire> planned = new ArrayList<>();
        for (Ended run : ended) {
            if (run.chained() == null) {
                continue;
            }
            for (String name : json.read(run.chained(), String[].class)) {
                chain(run, name, now, planned);
            }
        }
        if (!planned.isEmpty() && TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wheel.add(planned);
                }
            });
        }
    }

    private void chain(Ended run, String name, long now, List<PlannedFire> planned) {
        List<Object[]> jobs = sql.sql("SELECT id, paused FROM jobs WHERE name = ?").param(name)
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getBoolean(2)}).list();
        if (jobs.isEmpty()) {
            return; // deleting or renaming a job others chain to is refused; nothing to start
        }
        String jobId = (String) jobs.get(0)[0];
        boolean paused = (Boolean) jobs.get(0)[1];
        String why = "chained: run " + run.taskId() + " of job " + run.jobName() + " "
                + (TaskState.SUCCEEDED.name().equals(run.state()) ? "succeeded (onSuccess)" : "ended " + run.state()
                + " (onFailure)");
        String state = paused ? "SKIPPED" : "PLANNED";
        String message = paused ? why + "; skipped, the job is paused" : why;
        long at = now;
        // a fire of the job may hold this very millisecond: then the next free one is taken
        while (sql.sql("INSERT IGNORE INTO job_fires (job_id, scheduled_at, state, message, taken_at)"
                        + " VALUES (?, ?, ?, ?, ?)")
                .params(jobId, at, state, message, paused ? now : null).update() == 0) {
            at++;
        }
        if (paused) {
            log.info("Job {}: {}", jobId, message);
        } else {
            planned.add(new PlannedFire(jobId, at));
        }
    }
}

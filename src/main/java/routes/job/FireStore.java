package routes.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.Page;
import routes.message.PlannedFire;

/**
 * Job fires in SQL (table job_fires): PLANNED rows ahead of their time, then the record of each fire once taken.
 * Taking a fire is a conditional update from PLANNED, so whichever node, Redis entry or retry gets there second
 * changes nothing: each fire makes at most one task, and the database is the proof.
 */
@Component
@ControlRole
public class FireStore {

    private final JdbcClient sql;
    private final JdbcTemplate batch;

    public FireStore(JdbcClient sql, JdbcTemplate batch) {
        this.sql = sql;
        this.batch = batch;
    }

    /** Stores fires as PLANNED; a fire that has a row already (taken before an edit moved the schedule onto it) stays. */
    void addPlanned(List<PlannedFire> fires) {
        batch.batchUpdate("INSERT IGNORE INTO job_fires (job_id, scheduled_at, state) VALUES (?, ?, 'PLANNED')",
                fires.stream().map(f -> new Object[] {f.jobId(), f.scheduledAt()}).toList());
    }

    /** Plans a fire of the job at {@code at}, or at the next millisecond no fire of it holds yet. */
    PlannedFire addPlannedFrom(String jobId, long at) {
        while (sql.sql("INSERT IGNORE INTO job_fires (job_id, scheduled_at, state) VALUES (?, ?, 'PLANNED')")
                .params(jobId, at).update() == 0) {
            at++;
        }
        return new PlannedFire(jobId, at);
    }

    /** Every planned fire: what the time wheel must hold. */
    public List<PlannedFire> planned() {
        return plannedBefore(Long.MAX_VALUE);
    }

    /** Planned fires due before {@code time}: overdue ones the wheel lost (a node died holding them). */
    public List<PlannedFire> plannedBefore(long time) {
        return sql.sql("SELECT job_id, scheduled_at FROM job_fires WHERE state = 'PLANNED' AND scheduled_at < ?")
                .param(time)
                .query((rs, n) -> new PlannedFire(rs.getString("job_id"), rs.getLong("scheduled_at"))).list();
    }

    /** What became of a fire, to record: FIRED (with its task, if it made one), SKIPPED or MISSED, and why. */
    record Outcome(PlannedFire fire, String state, String taskId, String message) {
    }

    /**
     * Records taken fires, each only if it is still PLANNED (a fire another node took first is left as it is);
     * returns, per outcome, whether it was recorded. A planned fire's own message (a chained run's, telling the
     * chain) stays, followed by the outcome's.
     */
    boolean[] recordTaken(List<Outcome> outcomes, long takenAt) {
        int[] updated = batch.batchUpdate("UPDATE job_fires SET state = ?, task_id = ?, "
                + "message = CASE WHEN message IS NULL THEN ? ELSE LEFT(CONCAT_WS('; ', message, ?), 1000) END, taken_at = ? "
                + "WHERE job_id = ? AND scheduled_at = ? AND state = 'PLANNED'", outcomes.stream()
                .map(o -> new Object[] {o.state(), o.taskId(), o.message(), o.message(), takenAt, o.fire().jobId(),
                        o.fire().scheduledAt()})
                .toList());
        boolean[] recorded = new boolean[updated.length];
        for (int i = 0; i < updated.length; i++) {
            recorded[i] = updated[i] != 0;
        }
        return recorded;
    }

    /** Drops a job's planned fires (it was edited or paused: planning starts again from its new definition). */
    void dropPlanned(String jobId) {
        sql.sql("DELETE FROM job_fires WHERE job_id = ? AND state = 'PLANNED'").param(jobId).update();
    }

    /** Drops every fire of a deleted job. */
    void dropAll(String jobId) {
        sql.sql("DELETE FROM job_fires WHERE job_id = ?").param(jobId).update();
    }

    /** A job's taken fires, newest first: which made a task, which were skipped or missed, and why. */
    Map<String, Object> taken(String jobId, Page page) {
        long total = sql.sql("SELECT COUNT(*) FROM job_fires WHERE job_id = ? AND state <> 'PLANNED'").param(jobId)
                .query(Long.class).single();
        List<FireView> fires = sql.sql("SELECT scheduled_at, state, task_id, message, taken_at FROM job_fires "
                        + "WHERE job_id = ? AND state <> 'PLANNED' ORDER BY scheduled_at DESC LIMIT ? OFFSET ?")
                .params(jobId, page.limit(), page.offset())
                .query((rs, n) -> new FireView(Instant.ofEpochMilli(rs.getLong("scheduled_at")), rs.getString("state"),
                        rs.getString("task_id"), rs.getString("message"), Instant.ofEpochMilli(rs.getLong("taken_at"))))
                .list();
        return page.body("fires", fires, total);
    }

    /** A fire that was missed or skipped, with why. */
    public record NotFired(String jobId, long scheduledAt, String state, String message) {
    }

    /** Fires missed or skipped with a time since {@code since} (epoch ms), newest first, at most 1000. */
    public List<NotFired> notFiredSince(long since) {
        return sql.sql("SELECT job_id, scheduled_at, state, message FROM job_fires "
                        + "WHERE state IN ('SKIPPED', 'MISSED') AND scheduled_at >= ? ORDER BY scheduled_at DESC LIMIT 1000")
                .param(since)
                .query((rs, n) -> new NotFired(rs.getString("job_id"), rs.getLong("scheduled_at"), rs.getString("state"),
                        rs.getString("message")))
                .list();
    }

    /** The fires taken since a time (epoch ms): how many FIRED, SKIPPED and MISSED, and how late the fired ones were. */
    public record Recent(long fired, long skipped, long missed, Long latenessAvgMillis, Long latenessMaxMillis,
                         List<RecentFire> last) {
    }

    /** A fire taken lately, with how long after its time it was taken (ms). */
    public record RecentFire(String jobId, Instant scheduledAt, String state, long latenessMillis, String message) {
    }

    /** The fires taken since {@code since} (epoch ms), the newest {@code last} of them one by one; bounded by the index. */
    public Recent since(long since, int last) {
        long[] counts = new long[3];
        long[] lateness = {0, 0, 0};
        sql.sql("SELECT state, COUNT(*) AS n, SUM(taken_at - scheduled_at) AS late, MAX(taken_at - scheduled_at) AS latest "
                        + "FROM job_fires WHERE state IN ('FIRED', 'SKIPPED', 'MISSED') AND scheduled_at >= ? GROUP BY state")
                .param(since)
                .query(rs -> {
                    String state = rs.getString("state");
                    long n = rs.getLong("n");
                    switch (state) {
                        case "FIRED" -> {
                            counts[0] = n;
                            lateness[0] = rs.getLong("late");
                            lateness[1] = rs.getLong("latest");
                        }
                        case "SKIPPED" -> counts[1] = n;
                        default -> counts[2] = n;
                    }
                });
        List<RecentFire> recent = sql.sql("SELECT job_id, scheduled_at, state, message, taken_at FROM job_fires "
                        + "WHERE state IN ('FIRED', 'SKIPPED', 'MISSED') AND scheduled_at >= ? ORDER BY scheduled_at DESC LIMIT ?")
                .params(since, last)
                .query((rs, n) -> new RecentFire(rs.getString("job_id"), Instant.ofEpochMilli(rs.getLong("scheduled_at")),
                        rs.getString("state"), rs.getLong("taken_at") - rs.getLong("scheduled_at"), rs.getString("message")))
                .list();
        return new Recent(counts[0], counts[1], counts[2], counts[0] == 0 ? null : lateness[0] / counts[0],
                counts[0] == 0 ? null : lateness[1], recent);
    }
}

package routes.task;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.message.RunReport;

/**
 * Tasks' recorded output (table task_output), apart from the tasks so that listing them never reads it: a row per
 * attempt that wrote something, keyed by task and attempt. An attempt that wrote nothing costs no statement; the
 * retention pass (retention.yaml) deletes the rows with their task.
 */
@Component
@ControlRole
public class OutputStore {

    private final JdbcClient sql;
    private final JdbcTemplate batch;

    public OutputStore(JdbcClient sql, JdbcTemplate batch) {
        this.sql = sql;
        this.batch = batch;
    }

    /** Records the output of these ended attempts, in one batch; those that wrote nothing are left out. */
    void record(List<RunReport> ended) {
        List<Object[]> rows = new ArrayList<>();
        for (RunReport report : ended) {
            if (wroteSomething(report)) {
                rows.add(new Object[] {report.taskId(), report.attempt(), report.stdout(), report.stderr(),
                        report.stdoutTruncated(), report.stderrTruncated()});
            }
        }
        if (!rows.isEmpty()) {
            batch.batchUpdate("INSERT INTO task_output (task_id, attempt, stdout, stderr, stdout_truncated, "
                    + "stderr_truncated) VALUES (?, ?, ?, ?, ?, ?)", rows);
        }
    }

    /** Records the result (JSON) a worker reported for an attempt of a payload task, which writes no output. */
    void recordResult(String taskId, int attempt, String result) {
        sql.sql("INSERT INTO task_output (task_id, attempt, result) VALUES (?, ?, ?)")
                .params(taskId, attempt, result).update();
    }

    /** What this attempt of the task wrote ({@link RecordedOutput#NONE} when nothing). */
    RecordedOutput of(String taskId, int attempt) {
        return sql.sql("SELECT stdout, stderr, stdout_truncated, stderr_truncated, result FROM task_output "
                        + "WHERE task_id = ? AND attempt = ?")
                .params(taskId, attempt)
                .query((rs, n) -> new RecordedOutput(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        rs.getBoolean(4), rs.getString(5)))
                .optional().orElse(RecordedOutput.NONE);
    }

    /** Forgets the task's output: it runs again from the start (a retry by request). */
    void forget(String taskId) {
        sql.sql("DELETE FROM task_output WHERE task_id = ?").param(taskId).update();
    }

    private static boolean wroteSomething(RunReport report) {
        return report.stdout() != null && !report.stdout().isEmpty() || report.stderr() != null
                && !report.stderr().isEmpty() || report.stdoutTruncated() || report.stderrTruncated();
    }
}

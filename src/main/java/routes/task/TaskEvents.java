package routes.task;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.message.TaskState;

/**
 * Tasks' dispatch records (table task_events): one line per thing that happened to a task, written in the
 * transaction of the change it tells, and read back with the task.
 */
@Component
@ControlRole
public class TaskEvents {

    /** The longest message the message columns (of tasks and task_events) hold. */
    static final int MESSAGE_LIMIT = 1000;

    /** One line to add: what happened to a task, when, on which agent, in which attempt, and why. */
    public record Line(String taskId, long at, TaskState state, String agent, int attempt, String message) {
    }

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final Clock clock = Clock.systemUTC();

    public TaskEvents(JdbcClient sql, JdbcTemplate batch) {
        this.sql = sql;
        this.batch = batch;
    }

    /** Adds a line in the caller's transaction. */
    void add(String taskId, long at, TaskState state, String agent, int attempt, String message) {
        sql.sql("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, ?, ?, ?)")
                .params(taskId, at, state.name(), agent, attempt, fit(message)).update();
    }

    /** Adds lines in one batch, in the caller's transaction. */
    void addAll(List<Line> lines) {
        batch.batchUpdate("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, ?, ?, ?)",
                lines.stream().map(line -> new Object[] {line.taskId(), line.at(), line.state().name(), line.agent(),
                        line.attempt(), fit(line.message())}).toList());
    }

    /** Records an event that changes no state (something was put right in Redis). */
    @Transactional
    public void note(String id, TaskState state, String agent, int attempt, String message) {
        add(id, clock.millis(), state, agent, attempt, message);
    }

    /** A task's record, in the order it happened. */
    List<TaskEvent> of(String taskId) {
        return sql.sql("SELECT at, state, agent, attempt, message FROM task_events WHERE task_id = ? ORDER BY at, id")
                .param(taskId)
                .query((rs, n) -> new TaskEvent(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("state"),
                        rs.getString("agent"), rs.getInt("attempt"), rs.getString("message")))
                .list();
    }

    /** A message cut to what its column holds. */
    static String fit(String message) {
        return message == null || message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT);
    }
}

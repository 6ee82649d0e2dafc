package routes.task;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import routes.config.ControlRole;
import routes.logs.AfterCommit;
import routes.logs.LogContext;
import routes.message.TaskState;

/**
 * Tasks' dispatch records (table task_events): one line per thing that happened to a task, written in the
 * transaction of the change it tells, and read back with the task. Each line also goes to the log (INFO, this class's
 * logger) once its transaction has committed, with the task, the attempt, the agent and the job in the logging context
 * ({@link LogContext}): submitted, dispatched, started, ended, retried, taken back from a dead agent, cancelled.
 * The lines a transaction adds are written together, in one batch just before it commits (or before anything in it
 * reads them back): a batch of reports or a dispatch pass costs one statement for all its lines, not one per line.
 */
@Component
@ControlRole
public class TaskEvents {

    /** The longest message the message columns (of tasks and task_events) hold. */
    static final int MESSAGE_LIMIT = 1000;

    /**
     * One line to add: what happened to a task, when, on which agent, in which attempt, and why.
     *
     * @param job the job whose fire made the task, or null: for the log only (the task's row has it)
     */
    public record Line(String taskId, long at, TaskState state, String agent, int attempt, String message,
                       String job) {
    }

    private static final Logger log = LoggerFactory.getLogger(TaskEvents.class);

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final Clock clock = Clock.systemUTC();

    public TaskEvents(JdbcClient sql, JdbcTemplate batch) {
        this.sql = sql;
        this.batch = batch;
    }

    /** Adds a line in the caller's transaction (written with the transaction's other lines, see the class). */
    void add(String taskId, long at, TaskState state, String agent, int attempt, String message) {
        addAll(List.of(new Line(taskId, at, state, agent, attempt, message, LogContext.currentJob())));
    }

    /** Adds lines in the caller's transaction (written with the transaction's other lines, see the class). */
    void addAll(List<Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            insert(lines);
            return;
        }
        @SuppressWarnings("unchecked")
        List<Line> pending = (List<Line>) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    writePending();
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(TaskEvents.this);
                }
            });
        }
        pending.addAll(lines);
    }

    /** Writes the lines the current transaction added so far. */
    private void writePending() {
        @SuppressWarnings("unchecked")
        List<Line> pending = (List<Line>) TransactionSynchronizationManager.getResource(this);
        if (pending != null && !pending.isEmpty()) {
            List<Line> lines = List.copyOf(pending);
            pending.clear();
            insert(lines);
        }
    }

    private void insert(List<Line> lines) {
        if (lines.size() == 1) {
            Line line = lines.get(0);
            sql.sql("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(line.taskId(), line.at(), line.state().name(), line.agent(), line.attempt(),
                            fit(line.message())).update();
        } else {
            batch.batchUpdate("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, ?, ?, ?)",
                    lines.stream().map(line -> new Object[] {line.taskId(), line.at(), line.state().name(), line.agent(),
                            line.attempt(), fit(line.message())}).toList());
        }
        logOnCommit(lines);
    }

    private static void logOnCommit(List<Line> lines) {
        if (log.isInfoEnabled()) {
            AfterCommit.log(() -> lines.forEach(TaskEvents::log));
        }
    }

    private static void log(Line line) {
        Integer attempt = line.attempt() > 0 ? line.attempt() : null;
        try (LogContext about = LogContext.task(line.taskId(), attempt, line.agent(), line.job())) {
            log.info("Task {} {}{}: {}", line.taskId(), line.state(),
                    attempt == null ? "" : " (attempt " + attempt + ")", line.message());
        }
    }

    /** Records an event that changes no state (something was put right in Redis). */
    @Transactional
    public void note(String id, TaskState state, String agent, int attempt, String message) {
        add(id, clock.millis(), state, agent, attempt, message);
    }

    /** Tasks that ended well, ended badly, and went to be retried in one minute (starting at {@code minute}, epoch ms). */
    public record Minute(long minute, long succeeded, long failed, long retried) {
    }

    /**
     * Per minute since {@code since} (epoch ms): SUCCEEDED; FAILED or TIMED_OUT for good; RETRYING, or queued again
     * by a retry request. Only the minutes with any are returned; read through the index on (at, state).
     */
    public List<Minute> perMinute(long since) {
        writePending();
        Map<Long, long[]> minutes = new TreeMap<>();
        sql.sql("SELECT FLOOR(at / 60000) AS bucket, state, COUNT(*) AS n FROM task_events WHERE at >= ? AND ("
                        + "state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'RETRYING') "
                        + "OR (state = 'QUEUED' AND message LIKE 'retried by request%')) "
                        // a callback's attempts are told in the state the task ended in, and count for nothing here
                        + "AND COALESCE(message, '') NOT LIKE 'callback %' "
                        + "GROUP BY FLOOR(at / 60000), state")
                .param(since)
                .query(rs -> {
                    long[] counts = minutes.computeIfAbsent(rs.getLong("bucket"), m -> new long[3]);
                    int column = switch (rs.getString("state")) {
                        case "SUCCEEDED" -> 0;
                        case "FAILED", "TIMED_OUT" -> 1;
                        default -> 2;
                    };
                    counts[column] += rs.getLong("n");
                });
        return minutes.entrySet().stream()
                .map(e -> new Minute(e.getKey() * 60_000, e.getValue()[0], e.getValue()[1], e.getValue()[2])).toList();
    }

    /** A task's record, in the order it happened. */
    List<TaskEvent> of(String taskId) {
        writePending();
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

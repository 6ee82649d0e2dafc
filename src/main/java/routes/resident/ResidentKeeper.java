package routes.resident;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.ResidentProperties;
import routes.message.TaskState;
import routes.task.TaskStore;
import routes.task.TaskView;

/**
 * Keeps each resident's number of instances alive. Every pass, for every resident: instances that ended since
 * the last pass set the restart wait (the backoff doubles for each instance in a row that ended within
 * {@code caravan.residents.min-uptime}); missing instances are started once that wait is over; surplus ones (the
 * number was lowered) are cancelled, those not yet running and the newest first. An instance whose agent dies is
 * not missing: failover re-queues it and it runs elsewhere. The residents' rows are locked for the pass, so two
 * control nodes never both start the same missing instance.
 */
@Component
@ControlRole
public class ResidentKeeper {

    private final JdbcClient sql;
    private final ResidentStore residents;
    private final TaskStore tasks;
    private final ResidentProperties properties;
    private final Clock clock = Clock.systemUTC();

    public ResidentKeeper(JdbcClient sql, ResidentStore residents, TaskStore tasks, ResidentProperties properties) {
        this.sql = sql;
        this.residents = residents;
        this.tasks = tasks;
        this.properties = properties;
    }

    /** The instances one pass started (to queue) and cancelled (to withdraw). */
    public record Kept(List<TaskView> started, List<TaskView> cancelled) {
    }

    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Kept keep() {
        long now = clock.millis();
        List<TaskView> started = new ArrayList<>();
        List<TaskView> cancelled = new ArrayList<>();
        List<Resident> all = sql.sql("SELECT " + ResidentStore.COLUMNS + " FROM residents ORDER BY id FOR UPDATE")
                .query(residents::row).list();
        for (Resident resident : all) {
            Resident counted = countEnded(resident);
            List<ResidentView.Instance> alive = residents.alive(resident.id());
            int missing = resident.instances() - alive.size();
            if (missing > 0 && now >= counted.notBefore()) {
                started.addAll(tasks.createInstances(resident.id(), resident.name(), resident.task(), missing,
                        resident.instances()));
            } else if (missing < 0) {
                alive.stream()
                        .sorted(Comparator.comparing((ResidentView.Instance i) -> i.state().equals(TaskState.RUNNING.name()))
                                .thenComparing(Comparator.comparingInt(alive::indexOf).reversed()))
                        .limit(-missing)
                        .forEach(i -> tasks.cancelIfAlive(i.taskId(), "resident " + resident.name() + " scaled down to "
                                + resident.instances() + " instances").ifPresent(cancelled::add));
            }
        }
        return new Kept(started, cancelled);
    }

    /** Counts the instances that ended since the last pass into the resident's restart wait, and stores it. */
    private Resident countEnded(Resident resident) {
        int failures = resident.failures();
        long notBefore = resident.notBefore();
        long endedSeen = resident.endedSeen();
        List<long[]> ended = sql.sql("SELECT started_at, finished_at FROM tasks WHERE resident_id = ? AND finished_at > ? "
                        + "AND state NOT IN " + TaskStore.ALIVE_STATES + " ORDER BY finished_at")
                .params(resident.id(), endedSeen)
                .query((rs, n) -> {
                    long started = rs.getLong(1);
                    // an instance cancelled before it started says nothing about how the command fares: -1
                    return new long[] {rs.wasNull() ? -1 : started, rs.getLong(2)};
                })
                .list();
        for (long[] run : ended) {
            endedSeen = run[1];
            if (run[0] < 0) {
                continue;
            }
            boolean quick = run[1] - run[0] < properties.minUptime().toMillis();
            failures = quick ? failures + 1 : 0;
            notBefore = Math.max(notBefore, run[1] + resident.backoff(failures).toMillis());
        }
        if (ended.isEmpty()) {
            return resident;
        }
        sql.sql("UPDATE residents SET failures = ?, not_before = ?, ended_seen = ? WHERE id = ?")
                .params(failures, notBefore, endedSeen, resident.id()).update();
        return new Resident(resident.id(), resident.name(), resident.instances(), resident.task(),
                resident.restartBackoff(), resident.maxBackoff(), failures, notBefore, endedSeen, resident.createdAt(),
                resident.updatedAt());
    }
}

package routes.resident;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.ResidentProperties;
import routes.message.TaskState;
import routes.task.TaskQueries;
import routes.task.TaskQueries.EndedRun;
import routes.task.TaskStore;
import routes.task.TaskView;

/**
 * Keeps each resident's number of instances alive. Every pass, for every resident: instances that ended since
 * the last pass set the restart wait (the backoff doubles for each instance in a row that ended within
 * {@code caravan.residents.min-uptime}); missing instances are started once that wait is over; surplus ones (the
 * number was lowered) are cancelled, those not yet running and the newest first. An instance whose agent dies is
 * not missing: failover re-queues it and it runs elsewhere. The residents' rows are locked for the pass, so two
 * control nodes never both start the same missing instance. Passes run every {@code caravan.residents.check-millis}
 * while there are residents; while there are none, every {@value #IDLE_LOOK_MILLIS} ms, and at once when one is made,
 * changed or scaled on this node.
 */
@Component
@ControlRole
public class ResidentKeeper {

    private final ResidentStore residents;
    private final TaskStore tasks;
    private final TaskQueries taskQueries;
    private static final long IDLE_LOOK_MILLIS = 10_000;

    private final ResidentProperties properties;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean residentsSeen = true;

    public ResidentKeeper(ResidentStore residents, TaskStore tasks, TaskQueries taskQueries,
                          ResidentProperties properties) {
        this.residents = residents;
        this.tasks = tasks;
        this.taskQueries = taskQueries;
        this.properties = properties;
    }

    /** The instances one pass started (to queue) and cancelled (to withdraw). */
    public record Kept(List<TaskView> started, List<TaskView> cancelled) {
    }

    /** Waits for the next pass (see the class). */
    public void awaitPass() throws InterruptedException {
        residents.awaitChange(residentsSeen ? properties.checkMillis()
                : Math.max(properties.checkMillis(), IDLE_LOOK_MILLIS));
    }

    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Kept keep() {
        long now = clock.millis();
        List<TaskView> started = new ArrayList<>();
        List<TaskView> cancelled = new ArrayList<>();
        List<Resident> all = residents.lockAll();
        residentsSeen = !all.isEmpty();
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
        List<EndedRun> ended = taskQueries.endedInstances(resident.id(), endedSeen);
        for (EndedRun run : ended) {
            endedSeen = run.finishedAt();
            if (run.startedAt() == null) {
                // an instance cancelled before it started says nothing about how the command fares
                continue;
            }
            boolean quick = run.finishedAt() - run.startedAt() < properties.minUptime().toMillis();
            failures = quick ? failures + 1 : 0;
            notBefore = Math.max(notBefore, run.finishedAt() + resident.backoff(failures).toMillis());
        }
        if (ended.isEmpty()) {
            return resident;
        }
        residents.restartWait(resident.id(), failures, notBefore, endedSeen);
        return new Resident(resident.id(), resident.name(), resident.instances(), resident.task(),
                resident.restartBackoff(), resident.maxBackoff(), failures, notBefore, endedSeen, resident.createdAt(),
                resident.updatedAt());
    }
}

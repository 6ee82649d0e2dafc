package routes.worker;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.DispatcherProperties;
import routes.dispatch.ReadyTask;
import routes.dispatch.TaskQueues;
import routes.message.InboxEntry;
import routes.message.RunReport;
import routes.redis.LeaseBook;
import routes.redis.RedisKeys;
import routes.task.ReportRecorder;
import routes.task.TaskMeters;
import routes.task.TaskQueries;
import routes.task.TaskStore;

/**
 * Hands payload tasks to a worker that asks, as the dispatcher hands commands to agents: from the head of the queues
 * of its types, urgent before normal, the tasks whose labels it carries, never more than its free capacity. Each is
 * first claimed in SQL (QUEUED → DISPATCHED, which one caller wins), then moved atomically from its queue into the
 * worker's leases, then recorded RUNNING ("started on" the worker). When none is ready the request waits for a
 * dispatch pass ({@link WorkerWakeups}) and looks again, until its wait is over.
 */
@Component
@ControlRole
public class TaskLeasing {

    private final TaskQueues queues;
    private final TaskStore store;
    private final TaskQueries tasks;
    private final TaskMeters meters;
    private final ReportRecorder recorder;
    private final LeaseBook leases;
    private final RedisKeys keys;
    private final WorkerWakeups wakeups;
    private final DispatcherProperties dispatcher;
    private final Clock clock = Clock.systemUTC();

    public TaskLeasing(TaskQueues queues, TaskStore store, TaskQueries tasks, TaskMeters meters,
                       ReportRecorder recorder, LeaseBook leases, RedisKeys keys, WorkerWakeups wakeups,
                       DispatcherProperties dispatcher) {
        this.queues = queues;
        this.store = store;
        this.tasks = tasks;
        this.meters = meters;
        this.recorder = recorder;
        this.leases = leases;
        this.keys = keys;
        this.wakeups = wakeups;
        this.dispatcher = dispatcher;
    }

    /** {"leases": [...]}: as many as asked (within the worker's free capacity), waiting for the first when none is ready. */
    public Map<String, List<Lease>> lease(Worker worker, LeaseAsk ask) {
        long deadline = clock.millis() + ask.waitMillis();
        while (true) {
            int wanted = Math.min(ask.max(), worker.capacity() - leases.held(worker.id()));
            List<Lease> leased = wanted > 0 ? take(worker, wanted, ask.leaseMillis()) : List.of();
            long left = deadline - clock.millis();
            if (!leased.isEmpty() || left <= 0 || !wakeups.await(left)) {
                return Map.of("leases", leased);
            }
            // a worker waiting here is alive: its wait may outlast the worker timeout
            leases.heartbeat(worker.id(), null);
        }
    }

    private List<Lease> take(Worker worker, int wanted, long leaseMillis) {
        List<Lease> leased = new ArrayList<>();
        for (String priority : TaskQueues.PRIORITIES) {
            for (String type : worker.types()) {
                for (ReadyTask task : queues.heads(type, priority, 0, dispatcher.window())) {
                    if (leased.size() == wanted) {
                        return started(leased, worker.id());
                    }
                    if (task.spec().forWorker() && worker.carries(task.spec().labels())) {
                        Optional<Lease> lease = take(worker, task, leaseMillis);
                        if (lease == null) {
                            return started(leased, worker.id());
                        }
                        lease.ifPresent(leased::add);
                    }
                }
            }
        }
        return started(leased, worker.id());
    }

    /** The lease; empty when another took the task first; null when the worker turned out to be full. */
    private Optional<Lease> take(Worker worker, ReadyTask task, long leaseMillis) {
        String type = task.spec().type();
        String priority = task.spec().priority();
        Optional<TaskStore.Claim> claim = store.claimFor(task.id(), worker.id());
        if (claim.isEmpty()) {
            if (tasks.isSettled(task.id())) {
                queues.drop(task.id(), type, priority);
            }
            return Optional.empty();
        }
        int attempt = claim.get().attempt();
        String leaseId = InboxEntry.format(task.id(), attempt);
        LeaseBook.Take taken = leases.take(keys.queue(type, priority), task.id(), worker.id(), leaseId,
                worker.capacity(), leaseMillis);
        switch (taken.outcome()) {
            case TAKEN -> {
                meters.dispatched(type, priority, claim.get().waitedMillis());
                return Optional.of(new Lease(leaseId, task.id(), attempt, type, priority, task.spec().labels(),
                        task.spec().payload(), Instant.ofEpochMilli(taken.expiresAt())));
            }
            case FULL -> {
                store.unclaim(task.id(), attempt, "worker " + worker.id() + " held its capacity after all");
                return null;
            }
            default -> {
                store.unclaim(task.id(), attempt, "no longer in its queue when leased");
                return Optional.empty();
            }
        }
    }

    /** The leased tasks are RUNNING on the worker from now. */
    private List<Lease> started(List<Lease> leased, String workerId) {
        if (!leased.isEmpty()) {
            long now = clock.millis();
            recorder.recordAll(leased.stream().map(lease -> RunReport.started(lease.taskId(), lease.attempt(),
                    workerId, now)).toList());
        }
        return leased;
    }
}

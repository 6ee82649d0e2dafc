package routes.repair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.RedisProperties;
import routes.dispatch.TaskQueues;
import routes.message.TaskState;
import routes.redis.RedisKeys;
import routes.task.TaskEvents;
import routes.task.TaskQueries;
import routes.task.TaskQueries.Undispatched;
import routes.task.TaskView;

/**
 * Puts right what a control node killed in the middle of a step leaves between SQL and a healthy Redis:
 * <ul>
 * <li>a task stored QUEUED that never reached its queue (killed between the insert and the enqueue): queued now;</li>
 * <li>a task claimed DISPATCHED in SQL that never left its queue (killed between the claim and the move to the
 * agent's inbox): the move is made now. The agent then runs it, or, if it ran that attempt already, reports it
 * again instead; an agent that is gone is declared dead and the task goes back to its queue, as for any.</li>
 * </ul>
 * A live node closes each of these gaps within milliseconds, so a task is only put right when two passes a period
 * apart both find it so, at the same attempt. The previous pass's findings are kept in Redis, and one control
 * node does a pass at a time (a lock held for a period; a pass takes far less).
 * <p>
 * A gap opens only with a change of state, and every change writes a task event in its own transaction. So a pass
 * looks only at the tasks with an event since the pass before the previous one began (two periods back, for
 * transactions that commit late), and at the previous pass's suspects, each near where it would be in Redis: its
 * cost follows the work done, not the backlog. A node's first pass, and every {@value #FULL_EVERY}th, compares
 * every queued and dispatched task with every queue, for whatever else let them drift apart; so does a pass after
 * more than {@value #MOST_EVENTS} events (a bulk submission), which costs less than looking at each.
 */
@Component
@ControlRole
public class QueueReconciler {

    private static final Logger log = LoggerFactory.getLogger(QueueReconciler.class);
    /** Every how many of a node's passes one compares everything. */
    static final int FULL_EVERY = 30;
    /** Above this many events since the pass before the previous one (a bulk submission), reading all is cheaper. */
    private static final long MOST_EVENTS = 50_000;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final TaskQueries tasks;
    private final TaskEvents events;
    private final TaskQueues queues;
    private final Duration period;
    private final String nodeId;
    private final MeterRegistry meters;
    private int passes;

    public QueueReconciler(StringRedisTemplate redis, RedisKeys keys, TaskQueries tasks, TaskEvents events,
                           TaskQueues queues, RedisProperties properties, ControlProperties control,
                           MeterRegistry meters) {
        this.meters = meters;
        this.redis = redis;
        this.keys = keys;
        this.tasks = tasks;
        this.events = events;
        this.queues = queues;
        this.period = Duration.ofMillis(properties.reconcileMillis());
        this.nodeId = control.nodeId();
    }

    /** One pass; returns how many tasks it put right. */
    public int reconcile() {
        if (!Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.reconciling(), nodeId, period))) {
            return 0;
        }
        long mark = tasks.lastEventId();
        String since = redis.opsForList().index(keys.reconcileMarks(), 1);
        Set<String> earlier = redis.opsForSet().members(keys.reconcileSuspects());
        earlier = earlier == null ? Set.of() : earlier;
        boolean full = passes++ % FULL_EVERY == 0 || since == null
                || tasks.eventsAfter(Long.parseLong(since)) > MOST_EVENTS;
        List<Undispatched> outOfStep = full
                ? outOfStepAll()
                : queues.outOfStep(tasks.undispatched(Long.parseLong(since),
                        earlier.stream().map(suspect -> suspect.substring(0, suspect.indexOf('|'))).toList()));
        Set<String> suspects = new HashSet<>();
        Map<String, Undispatched> byId = new HashMap<>();
        for (Undispatched task : outOfStep) {
            suspects.add(task.id() + "|" + task.state() + "|" + task.attempt());
            byId.put(task.id(), task);
        }
        redis.delete(keys.reconcileSuspects());
        if (!suspects.isEmpty()) {
            redis.opsForSet().add(keys.reconcileSuspects(), suspects.toArray(String[]::new));
        }
        redis.opsForList().leftPush(keys.reconcileMarks(), Long.toString(mark));
        redis.opsForList().trim(keys.reconcileMarks(), 0, 1);
        List<TaskView> lost = new ArrayList<>();
        int stuck = 0;
        for (String suspect : suspects) {
            if (!earlier.contains(suspect)) {
                continue;
            }
            Undispatched task = byId.get(suspect.substring(0, suspect.indexOf('|')));
            if (task.state().equals(TaskState.QUEUED.name())) {
                tasks.find(task.id()).filter(t -> t.state().equals(TaskState.QUEUED.name())).ifPresent(lost::add);
            } else if (queues.completePlacement(task.id(), task.type(), task.priority(), task.agent(), task.attempt())) {
                events.note(task.id(), TaskState.DISPATCHED, task.agent(), task.attempt(), "a control node stopped"
                        + " between claiming it for " + task.agent() + " and handing it over; handed over now");
                stuck++;
            }
        }
        queues.enqueueAll(lost);
        repaired("requeued", lost.size());
        repaired("handed_over", stuck);
        if (!lost.isEmpty() || stuck > 0) {
            log.warn("A control node had stopped mid-step: {} stored tasks were missing from their queues (queued"
                    + " now), {} claimed tasks had not reached their agent (handed over now)", lost.size(), stuck);
        }
        return lost.size() + stuck;
    }

    /**
     * Every queued or dispatched task out of step with the queues, all read (Redis first: a task that moves on
     * between the two reads is a suspect only this once).
     */
    private List<Undispatched> outOfStepAll() {
        Set<String> inQueues = queues.queuedIds();
        List<Undispatched> out = new ArrayList<>();
        for (Undispatched task : tasks.undispatched()) {
            if (task.state().equals(TaskState.QUEUED.name()) != inQueues.contains(task.id())) {
                out.add(task);
            }
        }
        return out;
    }

    /** Counts repairs: {@code requeued} (a stored task missing from its queue), {@code handed_over} (a claim). */
    private void repaired(String repair, int count) {
        Counter.builder("caravan.reconciler.repairs")
                .description("tasks a dead control node had left out of step, put right by the reconciler")
                .tag("repair", repair).register(meters).increment(count);
    }
}

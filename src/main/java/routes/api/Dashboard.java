package routes.api;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import routes.api.schema.DashboardView;
import routes.config.ControlRole;
import routes.dispatch.QueueAges;
import routes.job.FireStore;
import routes.redis.AgentCounts;
import routes.redis.AgentRegistry;
import routes.task.TaskEvents;
import routes.task.TaskQueries;

/**
 * The operators' dashboard (GET /api/dashboard) in one answer, cheap enough to poll every 2 s: counts through indexes
 * (alive tasks by state, the last hour's task events and fires), queues and agents from Redis in a few round trips,
 * and the whole answer computed at most once a second per control node however many consoles poll.
 */
@Component
@ControlRole
public class Dashboard {

    static final long HOUR = 3_600_000;
    private static final long MINUTE = 60_000;
    private static final long FRESH_MILLIS = 1000;
    private static final int RECENT_FIRES = 20;

    private final TaskQueries tasks;
    private final TaskEvents events;
    private final QueueAges queueAges;
    private final AgentRegistry agents;
    private final FireStore fires;
    private final Clock clock = Clock.systemUTC();
    private volatile DashboardView last;

    public Dashboard(TaskQueries tasks, TaskEvents events, QueueAges queueAges, AgentRegistry agents, FireStore fires) {
        this.tasks = tasks;
        this.events = events;
        this.queueAges = queueAges;
        this.agents = agents;
        this.fires = fires;
    }

    public DashboardView view() {
        DashboardView cached = last;
        long now = clock.millis();
        if (cached != null && now - cached.at().toEpochMilli() < FRESH_MILLIS) {
            return cached;
        }
        DashboardView fresh = compute(now);
        last = fresh;
        return fresh;
    }

    private DashboardView compute(long now) {
        long firstMinute = (now / MINUTE) * MINUTE - 59 * MINUTE;
        List<TaskEvents.Minute> counted = events.perMinute(firstMinute);
        List<TaskEvents.Minute> minutes = new ArrayList<>(60);
        long succeeded = 0;
        long failed = 0;
        long retried = 0;
        int next = 0;
        for (long minute = firstMinute; minute <= now; minute += MINUTE) {
            while (next < counted.size() && counted.get(next).minute() < minute) {
                next++;
            }
            TaskEvents.Minute m = next < counted.size() && counted.get(next).minute() == minute ? counted.get(next)
                    : new TaskEvents.Minute(minute, 0, 0, 0);
            minutes.add(m);
            succeeded += m.succeeded();
            failed += m.failed();
            retried += m.retried();
        }
        return new DashboardView(Instant.ofEpochMilli(now), tasks.aliveByState(),
                new DashboardView.Totals(succeeded, failed, retried), minutes, queues(now), agents(),
                fires.since(now - HOUR, RECENT_FIRES));
    }

    private List<DashboardView.Queue> queues(long now) {
        return queueAges.at(now).stream()
                .map(q -> new DashboardView.Queue(q.type(), q.priority(), q.depth(), q.oldestAgeMillis())).toList();
    }

    private DashboardView.Agents agents() {
        AgentCounts counts = AgentCounts.of(agents.all());
        return new DashboardView.Agents(counts.live(), counts.draining(), counts.overloaded(), counts.dead(),
                counts.slots(), counts.busySlots());
    }
}

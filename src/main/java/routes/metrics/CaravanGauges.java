package routes.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.dispatch.QueueAges;
import routes.quarantine.Quarantine;
import routes.redis.AgentCounts;
import routes.redis.AgentLoad;
import routes.redis.AgentRegistry;
import routes.results.ResultInbox;

/**
 * The gauges of the cluster as a whole (docs/operations.md, "Monitoring"): each queue's depth and oldest task, per type
 * and priority; the agents by state, their slots and their oldest heartbeat; the reports waiting to be stored; the
 * quarantined messages. Read every {@code caravan.metrics.gauge-refresh-millis} by {@link #refresh}, in a few round
 * trips; a scrape costs nothing.
 * Every control node reports the same figures (aggregate them with {@code max}).
 * The alert rules read the same readings ({@link #last}), rather than asking Redis and SQL again.
 */
@Component
@ControlRole
public class CaravanGauges {

    private final QueueAges queueAges;
    private final AgentRegistry agents;
    private final ResultInbox results;
    private final Quarantine quarantine;
    private final MultiGauge depth;
    private final MultiGauge oldest;
    private final AtomicReference<AgentCounts> fleet = new AtomicReference<>(new AgentCounts(0, 0, 0, 0, 0, 0, 0));
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicReference<Readings> last = new AtomicReference<>();
    private final Clock clock = Clock.systemUTC();

    /** What one refresh read, at {@code at} (epoch ms): the queues, every agent known, the quarantine's size. */
    public record Readings(long at, List<QueueAges.QueueAge> queues, List<AgentLoad> agents, long quarantined) {
    }

    public CaravanGauges(QueueAges queueAges, AgentRegistry agents, ResultInbox results, Quarantine quarantine,
                         MeterRegistry meters) {
        this.queueAges = queueAges;
        this.agents = agents;
        this.results = results;
        this.quarantine = quarantine;
        this.depth = MultiGauge.builder("caravan.queue.depth").description("tasks waiting in the queue")
                .register(meters);
        this.oldest = MultiGauge.builder("caravan.queue.oldest.age").baseUnit("seconds")
                .description("age of the queue's oldest task, since it was submitted (0 when the queue is empty)")
                .register(meters);
        agents(meters, "live", AgentCounts::live);
        agents(meters, "draining", AgentCounts::draining);
        agents(meters, "overloaded", AgentCounts::overloaded);
        agents(meters, "dead", AgentCounts::dead);
        Gauge.builder("caravan.agents.slots", fleet, f -> f.get().slots())
                .description("slots of the live agents").register(meters);
        Gauge.builder("caravan.agents.slots.used", fleet, f -> f.get().busySlots())
                .description("slots of the live agents holding a task").register(meters);
        Gauge.builder("caravan.agents.heartbeat.oldest.age", fleet, f -> f.get().oldestHeartbeatAge() / 1000.0)
                .baseUnit("seconds")
                .description("age of the oldest heartbeat among the live agents (0 without any): near the agent"
                        + " timeout, an agent is stalling")
                .register(meters);
        Gauge.builder("caravan.results.backlog", backlog, AtomicLong::get)
                .description("agents' reports waiting in Redis to be stored").register(meters);
        Gauge.builder("caravan.quarantine.messages", quarantined, AtomicLong::get)
                .description("messages set aside in the quarantine (GET /api/quarantine)").register(meters);
    }

    private void agents(MeterRegistry meters, String state, ToDoubleFunction<AgentCounts> count) {
        Gauge.builder("caravan.agents", fleet, f -> count.applyAsDouble(f.get())).tag("state", state)
                .description("agents by state: live (heartbeat within the agent timeout), of those draining and"
                        + " overloaded, and dead")
                .register(meters);
    }

    /** Reads the figures anew; a queue that no longer exists leaves the gauges. */
    public void refresh() {
        long now = clock.millis();
        List<QueueAges.QueueAge> queues = queueAges.at(now);
        depth.register(queues.stream().map(q -> MultiGauge.Row.of(tags(q), q.depth())).toList(), true);
        oldest.register(queues.stream().map(q -> MultiGauge.Row.of(tags(q),
                q.oldestAgeMillis() == null ? 0.0 : q.oldestAgeMillis() / 1000.0)).toList(), true);
        List<AgentLoad> known = agents.all();
        fleet.set(AgentCounts.of(known));
        backlog.set(results.backlog());
        quarantined.set(quarantine.size());
        last.set(new Readings(now, queues, known, quarantined.get()));
    }

    /** What the last refresh read; null before the first. */
    public Readings last() {
        return last.get();
    }

    private static Tags tags(QueueAges.QueueAge queue) {
        return Tags.of("type", queue.type(), "priority", queue.priority());
    }
}

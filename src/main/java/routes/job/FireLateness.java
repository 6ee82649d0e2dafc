package routes.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.task.TaskMeters;
import routes.task.TaskView;

/**
 * How late fires become runs: from a fire's scheduled time until its task is stored and in its queue. Exported
 * as {@code caravan_jobs_fire_queued_seconds} with p50, p99 and max (a summary, kept as it was), and as the histogram
 * {@code caravan_jobs_fire_lateness_seconds} with the buckets of every Caravan histogram (in Prometheus a timer is
 * either: buckets replace quantiles); and how fires were taken, {@code caravan_jobs_fires_total} by outcome (fired, skipped, missed). (From the fire's time until the run
 * started is {@code caravan_jobs_fire_started_seconds}, counted as the start is recorded: {@link TaskMeters}.)
 */
@Component
@ControlRole
public class FireLateness {

    private final Timer queued;
    private final Timer lateness;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();

    public FireLateness(MeterRegistry meters) {
        this.meters = meters;
        this.queued = Timer.builder("caravan.jobs.fire.queued")
                .description("from a fire's scheduled time until its task is stored and queued")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.lateness = Timer.builder("caravan.jobs.fire.lateness")
                .description("from a fire's scheduled time until its task is stored and queued")
                .serviceLevelObjectives(TaskMeters.BUCKETS)
                .register(meters);
    }

    public void record(FireTaker.Taken taken) {
        long now = clock.millis();
        for (TaskView run : taken.created()) {
            if (run.scheduledAt() != null) {
                Duration late = Duration.ofMillis(Math.max(0, now - run.scheduledAt().toEpochMilli()));
                queued.record(late);
                lateness.record(late);
            }
        }
        for (FireView fire : taken.fires()) {
            Counter.builder("caravan.jobs.fires").description("fires taken, by outcome: fired, skipped or missed")
                    .tag("outcome", fire.state().toLowerCase(Locale.ROOT)).register(meters).increment();
        }
    }
}

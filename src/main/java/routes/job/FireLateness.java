package routes.job;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.task.TaskView;

/**
 * How late fires become runs: from a fire's scheduled time until its task is stored and in its queue. Exported
 * as {@code caravan_jobs_fire_queued_seconds} with p50, p99 and max.
 */
@Component
@ControlRole
public class FireLateness {

    private final Timer queued;
    private final Clock clock = Clock.systemUTC();

    public FireLateness(MeterRegistry meters) {
        this.queued = Timer.builder("caravan.jobs.fire.queued")
                .description("from a fire's scheduled time until its task is stored and queued")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    public void record(FireTaker.Taken taken) {
        long now = clock.millis();
        for (TaskView run : taken.created()) {
            queued.record(Duration.ofMillis(Math.max(0, now - run.scheduledAt().toEpochMilli())));
        }
    }
}

package routes.job;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.JobProperties;
import routes.message.PlannedFire;
import routes.redis.TimeWheel;

/**
 * Expands enabled jobs into the fires of the next window: PLANNED rows in SQL first, then entries in the time
 * wheel. Also keeps the wheel whole: rebuilt from SQL when Redis lost it, and overdue planned fires (whose
 * taker died before storing them) put back.
 */
@Component
@ControlRole
public class FirePlanner {

    private static final Logger LOG = LoggerFactory.getLogger(FirePlanner.class);
    /**
     * A planned fire this much past its time and still in SQL only is put back on the wheel; SQL is asked for such
     * fires this often.
     */
    private static final long OVERDUE_MILLIS = 3000;
    private static final int JOBS_PER_TRANSACTION = 1000;
    private static final int MOST_FIRES_PER_JOB = 1000;

    private final FireStore fires;
    private final JobStore jobs;
    private final Schedules schedules;
    private final TimeWheel wheel;
    private final JobProperties properties;
    private final Timer passes;
    private final Clock clock = Clock.systemUTC();
    private long overdueCheckedAt;

    public FirePlanner(FireStore fires, JobStore jobs, Schedules schedules, TimeWheel wheel, JobProperties properties,
                       MeterRegistry meters) {
        this.fires = fires;
        this.jobs = jobs;
        this.schedules = schedules;
        this.wheel = wheel;
        this.properties = properties;
        this.passes = Timer.builder("caravan.planner.pass").description("one planning pass over the jobs")
                .register(meters);
    }

    /** One planning pass. Returns how many fires it planned. */
    public int plan() {
        return passes.record(() -> {
            keepWheelWhole();
            return planDueJobs();
        });
    }

    private void keepWheelWhole() {
        if (!wheel.isBuilt()) {
            wheel.markBuilt();
            List<PlannedFire> planned = fires.planned();
            wheel.add(planned);
            LOG.info("Time wheel built from SQL with {} planned fires", planned.size());
        } else if (clock.millis() - overdueCheckedAt >= OVERDUE_MILLIS) {
            // as often as a fire can become overdue, not at every pass
            overdueCheckedAt = clock.millis();
            List<PlannedFire> overdue = fires.plannedBefore(clock.millis() - OVERDUE_MILLIS);
            if (!overdue.isEmpty()) {
                wheel.add(overdue);
                LOG.warn("{} planned fires were overdue and not on the time wheel (a control node stopped while"
                        + " taking them?); put back", overdue.size());
            }
        }
    }

    /**
     * Plans every enabled job whose next fire is less than half a window ahead, up to a full window ahead: a
     * job firing every second is planned every few seconds, a few fires at a time.
     */
    private int planDueJobs() {
        int planned = 0;
        long now = clock.millis();
        long lead = now + properties.planAhead().toMillis() / 2;
        long horizon = now + properties.planAhead().toMillis();
        for (int round = 0; round < 1000; round++) {
            List<Job> due = jobs.toPlan(lead, JOBS_PER_TRANSACTION);
            if (due.isEmpty()) {
                break;
            }
            List<JobStore.Plan> plans = new ArrayList<>(due.size());
            for (Job job : due) {
                plans.add(plan(job, now, horizon));
            }
            List<PlannedFire> stored = jobs.store(plans);
            wheel.add(stored);
            planned += stored.size();
            if (due.size() < JOBS_PER_TRANSACTION) {
                break;
            }
        }
        return planned;
    }

    /**
     * A job's fires from its first unplanned one up to the horizon. When that first one is older than the
     * misfire threshold (no control node planned for a while), the plan starts at the latest fire that is
     * due: the fires before it are neither planned nor run, and that latest one meets the misfire policy.
     */
    private JobStore.Plan plan(Job job, long now, long horizon) {
        FireTimes times = schedules.fireTimes(job.schedule());
        Instant fire = Instant.ofEpochMilli(job.nextFireAt());
        if (fire.toEpochMilli() < now - properties.misfireThreshold().toMillis()) {
            Instant latest = times.atOrBefore(Instant.ofEpochMilli(now));
            if (latest != null && latest.isAfter(fire)) {
                fire = latest;
            }
        }
        List<PlannedFire> planned = new ArrayList<>();
        while (fire != null && fire.toEpochMilli() <= horizon && planned.size() < MOST_FIRES_PER_JOB) {
            planned.add(new PlannedFire(job.id(), fire.toEpochMilli()));
            fire = times.after(fire);
        }
        return new JobStore.Plan(job, planned, fire == null ? null : fire.toEpochMilli());
    }

    /** Plans a job at once (after it was created, edited or resumed), rather than at the next pass. */
    public void planNow(JobView view) {
        long now = clock.millis();
        long horizon = now + properties.planAhead().toMillis();
        jobs.find(view.id())
                .filter(job -> !job.paused() && job.nextFireAt() != null && job.nextFireAt() <= horizon)
                .ifPresent(job -> wheel.add(jobs.store(List.of(plan(job, now, horizon)))));
    }
}

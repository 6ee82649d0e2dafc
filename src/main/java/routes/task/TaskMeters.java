package routes.task;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import routes.config.ControlRole;

/**
 * The tasks' figures, counted where their record changes (docs/operations.md, "Monitoring"): counters per type (and
 * outcome), and the times between the steps of a task's life as histograms with fixed buckets, so that Prometheus can
 * tell the share of tasks within an objective ({@code histogram_quantile} over {@code _bucket}). Labels are bounded:
 * type, priority and outcome, never a task id or a job name. A change made in a transaction is counted once it
 * committed. Costs a map look-up per count: no store is read for a figure.
 */
@Component
@ControlRole
public class TaskMeters {

    /** The buckets of every latency and duration histogram: from 10 ms (dispatch) to 6 h (long runs). */
    public static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6)};

    private final MeterRegistry meters;

    public TaskMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A new task is stored (submitted, a workflow's, a job's run, a broadcast's run, a resident's instance). */
    void submitted(String type) {
        afterCommit(() -> counter("caravan.tasks.submitted", "tasks stored (QUEUED, or WAITING for their parents)",
                "type", type).increment());
    }

    /**
     * A task is in an agent's inbox. {@code waitedMillis}: since it was submitted, for its first dispatch only (a
     * later one follows a retry's delay or a failover, which the histogram would blur); negative when not known.
     */
    public void dispatched(String type, String priority, long waitedMillis) {
        counter("caravan.tasks.dispatched", "tasks handed to an agent", "type", type).increment();
        if (waitedMillis >= 0) {
            timer("caravan.tasks.dispatch.latency", "from submission to the first dispatch", "type", type,
                    "priority", priority).record(Duration.ofMillis(waitedMillis));
        }
    }

    /**
     * An attempt started on its agent, {@code sinceDispatchMillis} after its dispatch; a job's run, in its first
     * attempt, {@code sinceScheduledMillis} after its fire's time (each negative when not known or not a job's).
     */
    void started(String type, long sinceDispatchMillis, long sinceScheduledMillis) {
        afterCommit(() -> {
            counter("caravan.tasks.started", "attempts started on an agent", "type", type).increment();
            if (sinceDispatchMillis >= 0) {
                timer("caravan.tasks.start.latency", "from dispatch to the attempt's start on the agent", "type", type)
                        .record(Duration.ofMillis(sinceDispatchMillis));
            }
            if (sinceScheduledMillis >= 0) {
                Timer.builder("caravan.jobs.fire.started").description("from a fire's scheduled time until its run started")
                        .serviceLevelObjectives(BUCKETS).register(meters).record(Duration.ofMillis(sinceScheduledMillis));
            }
        });
    }

    /**
     * An attempt ended on its agent with {@code outcome} (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED) after running
     * {@code ranMillis} (negative: not known).
     */
    void attemptEnded(String type, String outcome, long ranMillis) {
        if (ranMillis >= 0) {
            afterCommit(() -> timer("caravan.tasks.run.time", "how long an attempt ran on its agent", "type", type,
                    "outcome", label(outcome)).record(Duration.ofMillis(ranMillis)));
        }
    }

    /** A task ended for good with {@code outcome}, {@code sinceSubmittedMillis} after its submission. */
    void ended(String type, String outcome, long sinceSubmittedMillis) {
        afterCommit(() -> {
            counter("caravan.tasks.ended", "tasks ended for good, by outcome", "type", type, "outcome", label(outcome))
                    .increment();
            timer("caravan.tasks.end.to.end", "from submission to the end, over every attempt and retry", "type", type,
                    "outcome", label(outcome)).record(Duration.ofMillis(Math.max(0, sinceSubmittedMillis)));
        });
    }

    /** A failed or timed-out attempt left attempts: the task waits for a retry. */
    void retryScheduled(String type) {
        afterCommit(() -> counter("caravan.tasks.retries.scheduled", "failed attempts that wait for a retry", "type",
                type).increment());
    }

    /** A task ended failed or timed out with no attempt left: it is in the dead-letter view. */
    void exhausted(String type) {
        afterCommit(() -> counter("caravan.tasks.exhausted", "tasks that used all their attempts (dead letters)",
                "type", type).increment());
    }

    /** A task taken back from an agent is QUEUED again; {@code why}: dead or drained. */
    void requeued(String type, String why) {
        afterCommit(() -> counter("caravan.tasks.requeued", "tasks taken back from dead or draining agents",
                "type", type, "reason", why).increment());
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(meters);
    }

    private Timer timer(String name, String description, String... tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS)
                .register(meters);
    }

    /** SUCCEEDED → succeeded: labels in Prometheus's lower case. */
    private static String label(String state) {
        return state.toLowerCase(Locale.ROOT);
    }

    /** Runs {@code count} once the current transaction committed; at once when there is none. */
    public static void afterCommit(Runnable count) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count.run();
                }
            });
        } else {
            count.run();
        }
    }
}

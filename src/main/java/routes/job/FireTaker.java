package routes.job;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JobProperties;
import routes.dispatch.BroadcastTargets;
import routes.domain.Conflict;
import routes.job.FirePolicy.Decision;
import routes.job.FireStore.Outcome;
import routes.logs.AfterCommit;
import routes.logs.LogContext;
import routes.message.PlannedFire;
import routes.quarantine.MessageIsolation;
import routes.task.JobRun;
import routes.task.TaskQueries;
import routes.task.TaskStore;
import routes.task.TaskView;

/**
 * Takes due fires into the record, in one transaction: each fire is FIRED (with a new task), SKIPPED (overlap
 * policy, maxRunning) or MISSED (misfire policy) as {@link FirePolicy} decides, and why is recorded with it.
 * Fires another node took already, and fires of deleted or paused jobs, are passed over.
 */
@Component
@ControlRole
public class FireTaker {

    private static final Logger log = LoggerFactory.getLogger(FireTaker.class);

    private final JobStore jobs;
    private final FireStore fires;
    private final TaskStore tasks;
    private final TaskQueries taskQueries;
    private final BroadcastTargets broadcastTargets;
    private final FirePolicy policy;
    private final Clock clock = Clock.systemUTC();

    public FireTaker(JobStore jobs, FireStore fires, TaskStore tasks, TaskQueries taskQueries,
                     BroadcastTargets broadcastTargets, Schedules schedules, JobProperties properties) {
        this.jobs = jobs;
        this.fires = fires;
        this.tasks = tasks;
        this.taskQueries = taskQueries;
        this.broadcastTargets = broadcastTargets;
        this.policy = new FirePolicy(properties.misfireThreshold(), schedules);
    }

    /** A fire of the job now, outside its schedule, taken at once. */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Taken runNow(String jobId) {
        Job job = jobs.job(jobId);
        // a scheduled fire may hold this very millisecond: then the next free one is taken
        PlannedFire fire = fires.addPlannedFrom(job.id(), clock.millis());
        return take(List.of(fire), "run now by request");
    }

    /**
     * Takes due fires. Read committed: once a job's row is locked, its alive runs are read as last committed,
     * including runs another node made a moment ago.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Taken take(List<PlannedFire> due) {
        return take(due, null);
    }

    private Taken take(List<PlannedFire> due, String reason) {
        long now = clock.millis();
        Set<String> ids = new LinkedHashSet<>();
        due.forEach(fire -> ids.add(fire.jobId()));
        Map<String, Job> byId = jobs.byId(ids);
        Map<String, List<String>> alive = aliveRunsOfLimitedJobs(byId.values());
        List<PlannedFire> ordered = new ArrayList<>(due);
        ordered.sort(Comparator.comparingLong(PlannedFire::scheduledAt));

        BroadcastTargets.Snapshot targets = broadcastTargets.snapshot();
        List<Decision> decisions = new ArrayList<>(ordered.size());
        for (PlannedFire fire : ordered) {
            Job job = byId.get(fire.jobId());
            if (job != null && !job.paused()) {
                decisions.add(policy.decide(fire, job, alive.get(job.id()), now, reason, targets::expand));
            }
        }
        boolean[] recorded = fires.recordTaken(decisions.stream()
                .map(d -> new Outcome(d.fire(), d.state(), d.taskId(), d.message())).toList(), now);

        List<FireView> taken = new ArrayList<>();
        List<JobRun> runs = new ArrayList<>();
        List<TaskView> cancelled = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            if (!recorded[i]) {
                continue;
            }
            Decision decision = decisions.get(i);
            try (LogContext about = LogContext.job(decision.fire().jobId())) {
                for (String replaced : decision.replaces()) {
                    // a run that ended on its own meanwhile needs no cancelling
                    tasks.cancelIfAlive(replaced, "replaced by the run of job " + decision.fire().jobId() + " due at "
                            + Instant.ofEpochMilli(decision.fire().scheduledAt())).ifPresent(cancelled::add);
                }
            }
            logOnCommit(decision);
            runs.addAll(decision.runs());
            taken.add(new FireView(Instant.ofEpochMilli(decision.fire().scheduledAt()), decision.state(),
                    decision.taskId(), decision.message(), Instant.ofEpochMilli(now)));
        }
        return new Taken(taken, tasks.createRuns(runs), cancelled);
    }

    /** The fire's outcome, with its job and task in the logging context: FIRED, SKIPPED or MISSED, and why. */
    private static void logOnCommit(Decision decision) {
        if (log.isInfoEnabled()) {
            AfterCommit.log(() -> {
                try (LogContext about = LogContext.task(decision.taskId(), null, null, decision.fire().jobId())) {
                    log.info("Job {}: fire due at {} {}{}", decision.fire().jobId(),
                            Instant.ofEpochMilli(decision.fire().scheduledAt()), decision.state(),
                            decision.taskId() != null ? ", task " + decision.taskId()
                                    : decision.message() == null ? "" : ": " + decision.message());
                }
            });
        }
    }

    /**
     * The alive runs of the jobs whose overlap policy or maxRunning limits them, with those jobs' rows locked
     * (in id order, so two nodes cannot deadlock) until this transaction ends: two nodes taking fires of one
     * job decide one after the other.
     */
    private Map<String, List<String>> aliveRunsOfLimitedJobs(Iterable<Job> loaded) {
        List<String> limited = new ArrayList<>();
        for (Job job : loaded) {
            if (job.overlap() != Overlap.ALLOW || job.maxRunning() != null) {
                limited.add(job.id());
            }
        }
        if (limited.isEmpty()) {
            return Map.of();
        }
        Collections.sort(limited);
        jobs.lock(limited);
        Map<String, List<String>> alive = new HashMap<>(taskQueries.aliveRuns(limited));
        limited.forEach(id -> alive.computeIfAbsent(id, none -> new ArrayList<>()));
        return alive;
    }

    /** The outcome of taking fires: the fires' records, the tasks made, and the runs replaced. */
    public record Taken(List<FireView> fires, List<TaskView> created, List<TaskView> cancelled) {

        static final Taken NONE = new Taken(List.of(), List.of(), List.of());

        static Taken merge(Taken a, Taken b) {
            return new Taken(MessageIsolation.concat(a.fires, b.fires), MessageIsolation.concat(a.created, b.created),
                    MessageIsolation.concat(a.cancelled, b.cancelled));
        }

        /** The one fire of a "run now", if it made a task; a conflict with the reason if it did not. */
        public FireView ranNow() {
            FireView fire = fires.get(0);
            if (!fire.state().equals("FIRED")) {
                throw new Conflict("the job did not run: " + fire.message());
            }
            return fire;
        }
    }
}

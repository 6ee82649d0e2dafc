package routes.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JobProperties;
import routes.dispatch.BroadcastTargets;
import routes.domain.Conflict;
import routes.message.PlannedFire;
import routes.message.TaskSpec;
import routes.quarantine.MessageIsolation;
import routes.task.Broadcast;
import routes.task.JobRun;
import routes.task.TaskQueries;
import routes.task.TaskStore;
import routes.task.TaskView;

/**
 * Job fires in SQL: planning them ahead (PLANNED rows) and taking them when due. Taking a fire is a
 * conditional update from PLANNED, so whichever node, Redis entry or retry gets there second changes nothing:
 * each fire makes at most one task, and the database is the proof.
 */
@Component
@ControlRole
public class FireStore {

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final JobStore jobs;
    private final TaskStore tasks;
    private final TaskQueries taskQueries;
    private final Schedules schedules;
    private final JobProperties properties;
    private final BroadcastTargets broadcastTargets;
    private final Clock clock = Clock.systemUTC();

    public FireStore(JdbcClient sql, JdbcTemplate batch, JobStore jobs, TaskStore tasks, TaskQueries taskQueries,
                     Schedules schedules, JobProperties properties, BroadcastTargets broadcastTargets) {
        this.broadcastTargets = broadcastTargets;
        this.sql = sql;
        this.batch = batch;
        this.jobs = jobs;
        this.tasks = tasks;
        this.taskQueries = taskQueries;
        this.schedules = schedules;
        this.properties = properties;
    }

    /** Enabled jobs whose next unplanned fire is due by {@code horizon}, soonest first. */
    public List<Job> jobsToPlan(long horizon, int limit) {
        return sql.sql("SELECT " + JobStore.COLUMNS + " FROM jobs WHERE paused = FALSE AND next_fire_at <= ? "
                        + "ORDER BY next_fire_at LIMIT ?")
                .params(horizon, limit).query(jobs::row).list();
    }

    /**
     * Stores plans: each job's unplanned-from time moves on and its fires become PLANNED rows, all in one
     * transaction. A plan made from an outdated read of its job (another node planned it, or it was edited,
     * paused or resumed meanwhile) stores nothing. Returns the fires stored.
     */
    @Transactional
    public List<PlannedFire> store(List<Plan> plans) {
        // rows are locked in id order, as the taker locks them: two transactions cannot wait on each other
        plans = new ArrayList<>(plans);
        plans.sort(Comparator.comparing(plan -> plan.job().id()));
        List<Object[]> advances = new ArrayList<>(plans.size());
        for (Plan plan : plans) {
            advances.add(new Object[] {plan.nextFireAt(), plan.job().id(), plan.job().version(), plan.job().nextFireAt()});
        }
        int[] advanced = batch.batchUpdate("UPDATE jobs SET next_fire_at = ? WHERE id = ? AND version = ? "
                + "AND paused = FALSE AND next_fire_at = ?", advances);
        List<PlannedFire> planned = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (advanced[i] != 0) {
                planned.addAll(plans.get(i).fires());
            }
        }
        // a fire that has a row already (taken before an edit moved the schedule onto it) stays as it is
        batch.batchUpdate("INSERT IGNORE INTO job_fires (job_id, scheduled_at, state) VALUES (?, ?, 'PLANNED')",
                planned.stream().map(f -> new Object[] {f.jobId(), f.scheduledAt()}).toList());
        return planned;
    }

    /** Every planned fire: what the time wheel must hold. */
    public List<PlannedFire> planned() {
        return plannedBefore(Long.MAX_VALUE);
    }

    /** Planned fires due before {@code time}: overdue ones the wheel lost (a node died holding them). */
    public List<PlannedFire> plannedBefore(long time) {
        return sql.sql("SELECT job_id, scheduled_at FROM job_fires WHERE state = 'PLANNED' AND scheduled_at < ?")
                .param(time)
                .query((rs, n) -> new PlannedFire(rs.getString("job_id"), rs.getLong("scheduled_at"))).list();
    }

    /** A fire of the job now, outside its schedule, taken at once. */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Taken runNow(String jobId) {
        Job job = jobs.job(jobId);
        long at = clock.millis();
        // a scheduled fire may hold this very millisecond: then the next free one is taken
        while (sql.sql("INSERT IGNORE INTO job_fires (job_id, scheduled_at, state) VALUES (?, ?, 'PLANNED')")
                .params(job.id(), at).update() == 0) {
            at++;
        }
        return take(List.of(new PlannedFire(job.id(), at)), "run now by request");
    }

    /**
     * Takes due fires in one transaction: each one is FIRED (with a new task), SKIPPED (overlap policy,
     * maxRunning) or MISSED (misfire policy), and why is recorded with it. Fires another node took already,
     * and fires of deleted or paused jobs, are passed over. Read committed: once a job's row is locked, its
     * alive runs are read as last committed, including runs another node made a moment ago.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public Taken take(List<PlannedFire> due) {
        return take(due, null);
    }

    private Taken take(List<PlannedFire> due, String reason) {
        long now = clock.millis();
        Map<String, Job> byId = load(due);
        Map<String, List<String>> alive = aliveRunsOfLimitedJobs(byId.values());
        List<PlannedFire> ordered = new ArrayList<>(due);
        ordered.sort(Comparator.comparingLong(PlannedFire::scheduledAt));

        BroadcastTargets.Snapshot targets = broadcastTargets.snapshot();
        List<Decision> decisions = new ArrayList<>(ordered.size());
        for (PlannedFire fire : ordered) {
            Job job = byId.get(fire.jobId());
            if (job != null && !job.paused()) {
                decisions.add(decide(fire, job, alive.get(job.id()), now, reason, targets));
            }
        }
        int[] claimed = batch.batchUpdate("UPDATE job_fires SET state = ?, task_id = ?, message = ?, taken_at = ? "
                + "WHERE job_id = ? AND scheduled_at = ? AND state = 'PLANNED'", decisions.stream()
                .map(d -> new Object[] {d.state(), d.taskId(), d.message(), now,
                        d.fire().jobId(), d.fire().scheduledAt()})
                .toList());

        List<FireView> fires = new ArrayList<>();
        List<JobRun> runs = new ArrayList<>();
        List<TaskView> cancelled = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            if (claimed[i] == 0) {
                continue;
            }
            Decision decision = decisions.get(i);
            for (String replaced : decision.replaces()) {
                // a run that ended on its own meanwhile needs no cancelling
                tasks.cancelIfAlive(replaced, "replaced by the run of job " + decision.fire().jobId() + " due at "
                        + Instant.ofEpochMilli(decision.fire().scheduledAt())).ifPresent(cancelled::add);
            }
            runs.addAll(decision.runs());
            fires.add(new FireView(Instant.ofEpochMilli(decision.fire().scheduledAt()), decision.state(),
                    decision.taskId(), decision.message(), Instant.ofEpochMilli(now)));
        }
        return new Taken(fires, tasks.createRuns(runs), cancelled);
    }

    /**
     * What a fire does. {@code alive} (the job's alive runs, oldest first; null when the job has no overlap
     * limit) is updated as this batch's own decisions add and replace runs.
     */
    private Decision decide(PlannedFire fire, Job job, List<String> alive, long now, String reason,
                            BroadcastTargets.Snapshot targets) {
        long late = now - fire.scheduledAt();
        String note = reason;
        if (reason == null && late > properties.misfireThreshold().toMillis()) {
            String missed = "missed: taken " + Duration.ofMillis(late).toSeconds() + "s after its time";
            if (job.misfire() == Misfire.SKIP) {
                return Decision.not(fire, "MISSED", missed + " (misfire policy skip)");
            }
            Instant following = schedules.fireTimes(job.schedule()).after(Instant.ofEpochMilli(fire.scheduledAt()));
            if (following != null && following.toEpochMilli() <= now) {
                return Decision.not(fire, "MISSED", missed + "; a later fire runs as the catch-up (misfire policy fire_once)");
            }
            note = "catch-up run for missed fires (misfire policy fire_once), " + Duration.ofMillis(late).toSeconds() + "s late";
        }
        Broadcast broadcast = null;
        if (job.task().broadcast()) {
            broadcast = targets.expand(job.task());
            if (broadcast == null) {
                return Decision.not(fire, "SKIPPED", "skipped: " + BroadcastTargets.noAgent(job.task()) + " (target all)");
            }
        }
        List<String> replaces = List.of();
        if (alive != null && !alive.isEmpty()) {
            if (job.overlap() == Overlap.FORBID) {
                return Decision.not(fire, "SKIPPED", "skipped: run " + alive.get(alive.size() - 1)
                        + " is still alive (overlap forbid)");
            }
            if (job.overlap() == Overlap.REPLACE) {
                replaces = List.copyOf(alive);
                alive.clear();
            } else if (job.maxRunning() != null && alive.size() >= job.maxRunning()) {
                return Decision.not(fire, "SKIPPED", "skipped: " + alive.size() + " runs alive, maxRunning is "
                        + job.maxRunning());
            }
        }
        String message = "fire of job " + job.name() + " due at " + Instant.ofEpochMilli(fire.scheduledAt())
                + (note == null ? "" : ": " + note)
                + (broadcast == null ? "" : "; broadcast " + broadcast.id() + " to " + broadcast.specs().size() + " agents");
        List<JobRun> runs = new ArrayList<>();
        String broadcastId = broadcast == null ? null : broadcast.id();
        for (TaskSpec spec : broadcast == null ? List.of(job.task()) : broadcast.specs()) {
            runs.add(new JobRun(UUID.randomUUID().toString(), job.id(), fire.scheduledAt(), spec, message, broadcastId));
        }
        if (alive != null) {
            runs.forEach(run -> alive.add(run.taskId()));
        }
        return new Decision(fire, "FIRED", message, runs, replaces);
    }

    private Map<String, Job> load(List<PlannedFire> due) {
        Set<String> ids = new LinkedHashSet<>();
        due.forEach(fire -> ids.add(fire.jobId()));
        Map<String, Job> byId = new HashMap<>();
        sql.sql("SELECT " + JobStore.COLUMNS + " FROM jobs WHERE id IN (" + marks(ids.size()) + ")")
                .params(List.copyOf(ids)).query(jobs::row).list()
                .forEach(job -> byId.put(job.id(), job));
        return byId;
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
        sql.sql("SELECT id FROM jobs WHERE id IN (" + marks(limited.size()) + ") ORDER BY id FOR UPDATE")
                .params(limited).query(String.class).list();
        Map<String, List<String>> alive = new HashMap<>(taskQueries.aliveRuns(limited));
        limited.forEach(id -> alive.computeIfAbsent(id, none -> new ArrayList<>()));
        return alive;
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    /** A job's next fires, ready to store. {@code nextFireAt}: the first fire after them, or null. */
    public record Plan(Job job, List<PlannedFire> fires, Long nextFireAt) {
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

    /** What a fire does: its record, and the tasks it makes (one, or one per agent of a broadcast). */
    private record Decision(PlannedFire fire, String state, String message, List<JobRun> runs, List<String> replaces) {

        static Decision not(PlannedFire fire, String state, String message) {
            return new Decision(fire, state, message, List.of(), List.of());
        }

        /** The fire's task; null when it made none, or a broadcast's several (they carry the job's id). */
        String taskId() {
            return runs.size() == 1 && runs.get(0).broadcastId() == null ? runs.get(0).taskId() : null;
        }
    }
}

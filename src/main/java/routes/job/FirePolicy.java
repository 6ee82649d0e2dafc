package routes.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import routes.dispatch.BroadcastTargets;
import routes.message.PlannedFire;
import routes.message.TaskSpec;
import routes.task.Broadcast;
import routes.task.JobRun;

/**
 * What a due fire does, by its job's policies alone: FIRED with its runs (one task, or one per agent of a
 * broadcast), SKIPPED (overlap forbid, maxRunning, no agent for a broadcast) or MISSED (misfire policy), and why.
 * It reads no store and no clock: the caller gives the time, the job's alive runs and the broadcast targets.
 */
class FirePolicy {

    private final Duration misfireThreshold;
    private final Schedules schedules;

    FirePolicy(Duration misfireThreshold, Schedules schedules) {
        this.misfireThreshold = misfireThreshold;
        this.schedules = schedules;
    }

    /**
     * What the fire does. {@code alive} (the job's alive runs, oldest first; null when the job has no overlap
     * limit) is updated as a batch's own decisions add and replace runs. {@code reason} is the note of a fire made
     * on request (null for a scheduled one); {@code targets} expands a broadcast (null when no agent takes it).
     */
    Decision decide(PlannedFire fire, Job job, List<String> alive, long now, String reason,
                    Function<TaskSpec, Broadcast> targets) {
        long late = now - fire.scheduledAt();
        String note = reason;
        if (reason == null && late > misfireThreshold.toMillis()) {
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
            broadcast = targets.apply(job.task());
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

    /** What a fire does: its record, the tasks it makes, and the alive runs it replaces (overlap replace). */
    record Decision(PlannedFire fire, String state, String message, List<JobRun> runs, List<String> replaces) {

        static Decision not(PlannedFire fire, String state, String message) {
            return new Decision(fire, state, message, List.of(), List.of());
        }

        /** The fire's task; null when it made none, or a broadcast's several (they carry the job's id). */
        String taskId() {
            return runs.size() == 1 && runs.get(0).broadcastId() == null ? runs.get(0).taskId() : null;
        }
    }
}

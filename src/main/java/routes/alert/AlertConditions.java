package routes.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import routes.config.AlertProperties;
import routes.config.ControlRole;
import routes.job.FireStore;
import routes.job.Job;
import routes.job.JobStore;
import routes.metrics.CaravanGauges;
import routes.redis.AgentLoad;
import routes.task.TaskQueries;

/**
 * What holds now for a rule, by subject ({@link Finding}). The fleet, the queues and the quarantine are read from the
 * gauges' last refresh (CaravanGauges), which every control node makes every few seconds anyway; tasks, fires and
 * jobs from SQL through their owners. Event kinds hold for a subject while such an event happened within the rule's
 * quiet period, so their incidents resolve once that long has passed without one.
 */
@Component
@ControlRole
public class AlertConditions {

    private final CaravanGauges gauges;
    private final TaskQueries tasks;
    private final FireStore fires;
    private final JobStore jobs;
    private final Duration quiet;

    public AlertConditions(CaravanGauges gauges, TaskQueries tasks, FireStore fires, JobStore jobs,
                           AlertProperties alerts) {
        this.gauges = gauges;
        this.tasks = tasks;
        this.fires = fires;
        this.jobs = jobs;
        this.quiet = alerts.quiet();
    }

    /** What holds now ({@code now}, epoch ms); null when it cannot be told yet (the gauges have not been read). */
    public Map<String, Finding> holding(AlertRule rule, long now) {
        AlertRuleSpec spec = rule.spec();
        return switch (spec.kind()) {
            case TASK_EXHAUSTED -> exhausted(spec, now);
            case JOB_MISSED -> notFired(spec, now);
            case JOB_SILENT -> silent(rule, now);
            case AGENT_DEAD, AGENT_OVERLOADED, QUEUE_AGE, QUARANTINE -> fromGauges(spec);
        };
    }

    private Map<String, Finding> fromGauges(AlertRuleSpec spec) {
        CaravanGauges.Readings readings = gauges.last();
        if (readings == null) {
            return null;
        }
        Map<String, Finding> holding = new LinkedHashMap<>();
        long at = readings.at();
        switch (spec.kind()) {
            case AGENT_DEAD -> readings.agents().stream().filter(agent -> !agent.alive()).forEach(agent ->
                    add(holding, "agent " + agent.status().id(), "agent " + agent.status().id()
                            + " is dead: no heartbeat since " + heartbeat(agent), at));
            case AGENT_OVERLOADED -> readings.agents().stream()
                    .filter(agent -> agent.alive() && agent.status().overloaded()).forEach(agent ->
                            add(holding, "agent " + agent.status().id(), "agent " + agent.status().id()
                                    + " has been overloaded for more than " + words(spec.after())
                                    + String.format(" (CPU %.0f %%, memory %.0f %%)", agent.status().cpu() * 100,
                                    agent.status().memory() * 100), at));
            case QUEUE_AGE -> readings.queues().stream()
                    .filter(queue -> spec.type() == null || spec.type().equals(queue.type()))
                    .filter(queue -> spec.priority() == null || spec.priority().equals(queue.priority()))
                    .filter(queue -> queue.oldestAgeMillis() != null && queue.oldestAgeMillis() > spec.after().toMillis())
                    .forEach(queue -> add(holding, "queue " + queue.type() + "/" + queue.priority(), "the oldest of the "
                            + queue.depth() + " tasks in queue " + queue.type() + "/" + queue.priority()
                            + " has waited more than " + words(spec.after()), at - queue.oldestAgeMillis()));
            case QUARANTINE -> {
                if (readings.quarantined() > 0) {
                    add(holding, "quarantine", readings.quarantined() + " messages lie in the quarantine"
                            + " (GET /api/quarantine)", at);
                }
            }
            default -> throw new IllegalStateException("not read from the gauges: " + spec.kind());
        }
        return holding;
    }

    /** Per task, per job (a rule naming one) or per type: the newest exhausted task within the quiet period. */
    private Map<String, Finding> exhausted(AlertRuleSpec spec, long now) {
        List<TaskQueries.Exhausted> found = tasks.exhaustedSince(now - quiet(spec)).stream()
                .filter(task -> spec.type() == null || spec.type().equals(task.type()))
                .toList();
        Map<String, String> jobNames = jobs.names(new HashSet<>(found.stream().map(TaskQueries.Exhausted::jobId)
                .filter(id -> id != null).toList()));
        Map<String, Finding> holding = new LinkedHashMap<>();
        for (TaskQueries.Exhausted task : found) {
            String job = task.jobId() == null ? null : jobNames.get(task.jobId());
            if (spec.job() != null && !spec.job().equals(job)) {
                continue;
            }
            String subject = spec.perTask() ? "task " + task.id() : spec.job() != null ? "job " + job : "type " + task.type();
            add(holding, subject, "task " + task.id() + " (type " + task.type() + (job == null ? "" : ", job " + job)
                    + ") failed with no attempt left", task.finishedAt());
        }
        return holding;
    }

    /** Per job: its newest fire missed or skipped within the quiet period. */
    private Map<String, Finding> notFired(AlertRuleSpec spec, long now) {
        List<FireStore.NotFired> found = fires.notFiredSince(now - quiet(spec));
        Map<String, String> jobNames = jobs.names(new HashSet<>(found.stream().map(FireStore.NotFired::jobId).toList()));
        Map<String, Finding> holding = new LinkedHashMap<>();
        for (FireStore.NotFired fire : found) {
            String job = jobNames.getOrDefault(fire.jobId(), fire.jobId());
            if (spec.job() == null || spec.job().equals(job)) {
                add(holding, "job " + job, "job " + job + ": the fire of " + Instant.ofEpochMilli(fire.scheduledAt())
                        + " was " + fire.state().toLowerCase() + (fire.message() == null ? "" : " (" + fire.message() + ")"),
                        fire.scheduledAt());
            }
        }
        return holding;
    }

    /**
     * The dead man's switch: the job's last successful run ended more than {@code after} ago; with none (or no such
     * job), counted from when the job, or the rule, was made or changed, whichever is later.
     */
    private Map<String, Finding> silent(AlertRule rule, long now) {
        AlertRuleSpec spec = rule.spec();
        Optional<Job> job = jobs.findByName(spec.job());
        Optional<Long> success = job.flatMap(j -> tasks.lastSuccess(j.id()));
        long from = success.orElse(Math.max(rule.updatedAt(), job.map(Job::createdAt).orElse(0L)));
        Map<String, Finding> holding = new LinkedHashMap<>();
        if (now - from > spec.after().toMillis()) {
            String why = job.isEmpty() ? " (there is no job of that name)"
                    : success.map(at -> " (last success " + Instant.ofEpochMilli(at) + ")").orElse(" (none yet)");
            add(holding, "job " + spec.job(), "no successful run of job " + spec.job() + " within "
                    + words(spec.after()) + why, from + spec.after().toMillis());
        }
        return holding;
    }

    private long quiet(AlertRuleSpec spec) {
        return (spec.quiet() == null ? quiet : spec.quiet()).toMillis();
    }

    /** The first finding per subject stays: the readings come newest first. */
    private static void add(Map<String, Finding> holding, String subject, String summary, long since) {
        holding.putIfAbsent(subject, new Finding(subject, summary, since));
    }

    private static String heartbeat(AgentLoad agent) {
        return Instant.ofEpochMilli(agent.status().heartbeatAt()).toString();
    }

    /** "30s", "10m", "26h": a rule's duration as people write it. */
    static String words(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}

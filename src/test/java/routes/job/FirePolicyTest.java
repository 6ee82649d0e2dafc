package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import routes.job.FirePolicy.Decision;
import routes.message.PlannedFire;
import routes.message.TaskSpec;
import routes.task.Broadcast;
import routes.task.JobRun;

/** What a due fire does, by its job's misfire, overlap, maxRunning and broadcast policies. */
class FirePolicyTest {

    private static final Duration THRESHOLD = Duration.ofSeconds(5);
    private static final long DUE = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    private static final Function<TaskSpec, Broadcast> NO_AGENT = spec -> null;

    private final FirePolicy policy = new FirePolicy(THRESHOLD, new Schedules());

    @Test
    void aFireOnTimeMakesOneRunOfTheJobAtItsScheduledTime() {
        Decision decision = policy.decide(fire(), job(Overlap.ALLOW, null, Misfire.FIRE_ONCE, task(null)), null,
                DUE + 100, null, NO_AGENT);
        assertThat(decision.state()).isEqualTo("FIRED");
        assertThat(decision.runs()).singleElement().satisfies(run -> {
            assertThat(run.jobId()).isEqualTo("job-1");
            assertThat(run.scheduledAt()).isEqualTo(DUE);
            assertThat(run.broadcastId()).isNull();
        });
        assertThat(decision.taskId()).isEqualTo(decision.runs().get(0).taskId());
        assertThat(decision.message()).isEqualTo("fire of job nightly due at 2030-01-01T00:00:00Z");
    }

    @Test
    void aFireTakenPastTheThresholdIsMissedUnderMisfireSkip() {
        Decision decision = policy.decide(fire(), job(Overlap.ALLOW, null, Misfire.SKIP, task(null)), null,
                DUE + 30_000, null, NO_AGENT);
        assertThat(decision.state()).isEqualTo("MISSED");
        assertThat(decision.message()).isEqualTo("missed: taken 30s after its time (misfire policy skip)");
        assertThat(decision.runs()).isEmpty();
    }

    @Test
    void underFireOnceOnlyTheLatestMissedFireRunsAsTheCatchUp() {
        Job job = job(Overlap.ALLOW, null, Misfire.FIRE_ONCE, task(null));
        // every minute: at 90 s late, the fire of the next minute is due too and is the catch-up
        Decision earlier = policy.decide(fire(), job, null, DUE + 90_000, null, NO_AGENT);
        assertThat(earlier.state()).isEqualTo("MISSED");
        assertThat(earlier.message()).endsWith("a later fire runs as the catch-up (misfire policy fire_once)");
        Decision latest = policy.decide(fire(), job, null, DUE + 30_000, null, NO_AGENT);
        assertThat(latest.state()).isEqualTo("FIRED");
        assertThat(latest.message()).endsWith("catch-up run for missed fires (misfire policy fire_once), 30s late");
    }

    @Test
    void aFireOnRequestIsNeverMissed() {
        Decision decision = policy.decide(fire(), job(Overlap.ALLOW, null, Misfire.SKIP, task(null)), null,
                DUE + 30_000, "run now by request", NO_AGENT);
        assertThat(decision.state()).isEqualTo("FIRED");
        assertThat(decision.message()).endsWith(": run now by request");
    }

    @Test
    void overlapForbidSkipsWhileARunIsAlive() {
        Decision decision = policy.decide(fire(), job(Overlap.FORBID, null, Misfire.FIRE_ONCE, task(null)),
                new ArrayList<>(List.of("run-1")), DUE, null, NO_AGENT);
        assertThat(decision.state()).isEqualTo("SKIPPED");
        assertThat(decision.message()).isEqualTo("skipped: run run-1 is still alive (overlap forbid)");
    }

    @Test
    void overlapReplaceReplacesTheAliveRunsAndCountsTheNewOneAsAlive() {
        List<String> alive = new ArrayList<>(List.of("run-1", "run-2"));
        Decision decision = policy.decide(fire(), job(Overlap.REPLACE, null, Misfire.FIRE_ONCE, task(null)), alive,
                DUE, null, NO_AGENT);
        assertThat(decision.state()).isEqualTo("FIRED");
        assertThat(decision.replaces()).containsExactly("run-1", "run-2");
        assertThat(alive).containsExactly(decision.taskId());
    }

    @Test
    void maxRunningSkipsOnceThatManyRunsAreAliveIncludingThoseOfTheSameBatch() {
        Job job = job(Overlap.ALLOW, 2, Misfire.FIRE_ONCE, task(null));
        List<String> alive = new ArrayList<>(List.of("run-1"));
        assertThat(policy.decide(fire(), job, alive, DUE, null, NO_AGENT).state()).isEqualTo("FIRED");
        Decision third = policy.decide(new PlannedFire("job-1", DUE + 60_000), job, alive, DUE + 60_000, null, NO_AGENT);
        assertThat(third.state()).isEqualTo("SKIPPED");
        assertThat(third.message()).isEqualTo("skipped: 2 runs alive, maxRunning is 2");
    }

    @Test
    void aBroadcastMakesARunPerAgentOrIsSkippedWhenNoAgentTakesIt() {
        Job job = job(Overlap.ALLOW, null, Misfire.FIRE_ONCE, task(TaskSpec.ALL));
        Decision none = policy.decide(fire(), job, null, DUE, null, NO_AGENT);
        assertThat(none.state()).isEqualTo("SKIPPED");
        assertThat(none.message()).isEqualTo("skipped: no live agent takes type backup (target all)");

        Decision two = policy.decide(fire(), job, null, DUE, null,
                spec -> new Broadcast("b-1", List.of(spec.pinnedTo("agent-a"), spec.pinnedTo("agent-b"))));
        assertThat(two.state()).isEqualTo("FIRED");
        assertThat(two.runs()).extracting(JobRun::broadcastId).containsExactly("b-1", "b-1");
        assertThat(two.runs()).extracting(run -> run.spec().agent()).containsExactly("agent-a", "agent-b");
        assertThat(two.taskId()).as("a broadcast's fire names no single task").isNull();
        assertThat(two.message()).endsWith("; broadcast b-1 to 2 agents");
    }

    private static PlannedFire fire() {
        return new PlannedFire("job-1", DUE);
    }

    private static Job job(Overlap overlap, Integer maxRunning, Misfire misfire, TaskSpec task) {
        JobSchedule everyMinute = new JobSchedule(null, "UTC", null, "PT1M", "2029-12-31T00:00:00Z");
        return new Job("job-1", "nightly", everyMinute, task, overlap, maxRunning, misfire, false, DUE, 0, 0, 0, null, List.of(),
                List.of());
    }

    private static TaskSpec task(String target) {
        return new TaskSpec("backup", List.of("true"), null, Map.of(), null, 60, TaskSpec.NORMAL, Map.of(), null, null,
                target, null, null, null);
    }
}

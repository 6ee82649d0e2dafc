package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Fires survive what happens to the nodes and to Redis: no control node running, two control nodes at once,
 * Redis losing its keys. The jobs' tasks are of a type no agent serves, so every fire's task stays in the
 * record to be counted.
 */
class JobResilienceTest {

    private static final String[] FAST_PLANNING = {"--caravan.jobs.plan-every-millis=200", "--caravan.jobs.plan-ahead=2s"};
    private static final String TASK = "\"task\": {\"type\": \"nobody\", \"command\": [\"true\"]}";

    @Test
    void twoControlNodesMakeExactlyOneTaskPerFire(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control(FAST_PLANNING).control(FAST_PLANNING)) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                jobs.add(cluster.api(i % 2).createJob("{\"name\": \"both-" + i + "\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}"));
            }
            Api api = cluster.api();
            await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(job -> api.runs(job).size() >= 6));
            jobs.forEach(job -> api.post("/api/jobs/" + job + "/pause", ""));
            jobs.forEach(job -> assertEverySecondFiredOnce(api, job));
        }
    }

    @Test
    void noFireIsLostOrDoubledWhenRedisLosesItsKeys(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control(FAST_PLANNING)) {
            Api api = cluster.api();
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                jobs.add(api.createJob("{\"name\": \"flushed-" + i + "\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(job -> api.runs(job).size() >= 3));
            Instant flushedAt = Instant.now();
            cluster.stores().flushRedis();
            // the wheel held the next two seconds of planned fires; they must still come, once each (a fire lost
            // off the wheel mid-flush comes back on the planner's look for overdue fires, a few seconds later)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> jobs.forEach(job -> {
                assertThat(Instant.parse(api.runs(job).get(0).path("scheduledAt").asText())).isAfter(flushedAt.plusSeconds(4));
                assertEverySecondFiredOnce(api, job);
            }));
            jobs.forEach(job -> api.post("/api/jobs/" + job + "/pause", ""));
            jobs.forEach(job -> assertEverySecondFiredOnce(api, job));
        }
    }

    @Test
    void firesMissedWhileNoControlNodeRanFollowEachJobsMisfirePolicy(@TempDir Path dir) throws InterruptedException {
        String[] args = {"--caravan.jobs.plan-every-millis=200", "--caravan.jobs.plan-ahead=1s",
                "--caravan.jobs.misfire-threshold=2s"};
        try (Cluster cluster = new Cluster(dir).control(args)) {
            Api first = cluster.api();
            String everySecond = first.createJob("{\"name\": \"every-second\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}");
            await().atMost(Duration.ofSeconds(30)).until(() -> first.runs(everySecond).size() >= 2);
            Instant at = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
            String once = first.createJob("{\"name\": \"catch-up\", \"schedule\": {\"at\": \"" + at + "\"}, "
                    + "\"misfire\": \"fire_once\", " + TASK + "}");
            String skip = first.createJob("{\"name\": \"no-catch-up\", \"schedule\": {\"at\": \"" + at + "\"}, "
                    + "\"misfire\": \"skip\", " + TASK + "}");

            cluster.stop(cluster.controlContext());
            Instant stoppedAt = Instant.now();
            assertThat(stoppedAt).isBefore(at);
            // no control node for nine seconds, across the one-off jobs' time (nothing to await: time passing is the point)
            Thread.sleep(9000);
            Instant restartedAt = Instant.now();
            cluster.control(args);
            Api api = cluster.api(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> api.runs(once).size() == 1
                    && api.get("/api/jobs/" + skip + "/fires").body().path("total").asInt() == 1);

            // fire_once: the missed one-off fire runs once, late, and says why
            JsonNode catchUp = api.runs(once).get(0);
            assertThat(catchUp.path("scheduledAt").asText()).isEqualTo(at.toString());
            assertThat(api.task(catchUp.path("id").asText()).path("events").get(0).path("message").asText())
                    .contains("catch-up run");
            // skip: no run, and the missed fire is on record
            assertThat(api.runs(skip)).isEmpty();
            JsonNode missed = api.get("/api/jobs/" + skip + "/fires").body().path("fires").get(0);
            assertThat(missed.path("state").asText()).isEqualTo("MISSED");
            assertThat(missed.path("message").asText()).contains("misfire policy skip");
            // a job firing every second does not run every second it missed: its schedule goes on from now
            assertThat(runsScheduledBetween(api.runs(everySecond), stoppedAt.plusSeconds(2), restartedAt.minusSeconds(2)))
                    .hasSizeLessThanOrEqualTo(1);
            api.post("/api/jobs/" + everySecond + "/pause", "");
        }
    }

    private static List<JsonNode> runsScheduledBetween(JsonNode runs, Instant from, Instant to) {
        List<JsonNode> between = new ArrayList<>();
        for (JsonNode run : runs) {
            Instant scheduled = Instant.parse(run.path("scheduledAt").asText());
            if (scheduled.isAfter(from) && scheduled.isBefore(to)) {
                between.add(run);
            }
        }
        return between;
    }

    /** The job's runs are one per second with no gap and no repeat. */
    private static void assertEverySecondFiredOnce(Api api, String job) {
        List<Long> scheduled = new ArrayList<>();
        api.runs(job).forEach(run -> scheduled.add(Instant.parse(run.path("scheduledAt").asText()).toEpochMilli()));
        assertThat(scheduled).as(job).doesNotHaveDuplicates();
        long newest = scheduled.get(0);
        long oldest = scheduled.get(scheduled.size() - 1);
        assertThat(scheduled).as(job + ": one run per second from the first to the last").hasSize((int) ((newest - oldest) / 1000 + 1));
    }
}

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
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import routes.support.Api;
import routes.support.Cluster;

/** Jobs over HTTP against a control node and an agent: definitions, schedules, policies and runs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsTest {

    private static final String TASK = "\"task\": {\"command\": [\"true\"]}";

    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.jobs.plan-every-millis=200", "--caravan.jobs.plan-ahead=2s");
        cluster.agent("worker", 8, "default", Map.of());
        api = cluster.api();
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aJobShowsItsScheduleInWordsAndItsNextFiresInItsTimeZone() {
        String id = api.createJob("{\"name\": \"berlin-morning\", \"schedule\": {\"cron\": \"0 0 9 ? * MON-FRI\","
                + " \"timeZone\": \"Europe/Berlin\"}, " + TASK + "}");
        JsonNode job = api.get("/api/jobs/" + id).body();
        assertThat(job.path("description").asText()).isEqualTo("at 09:00 every day between Monday and Friday (Europe/Berlin)");
        assertThat(job.path("overlap").asText()).isEqualTo("allow");
        assertThat(job.path("misfire").asText()).isEqualTo("fire_once");
        JsonNode next = api.get("/api/jobs/" + id + "/next?count=3").body().path("next");
        assertThat(next).hasSize(3);
        next.forEach(time -> assertThat(time.asText()).matches("\\d{4}-\\d\\d-\\d\\dT09:00\\+0[12]:00"));
        assertThat(api.get("/api/jobs/" + id + "/next?count=0").status()).isEqualTo(400);
        api.delete("/api/jobs/" + id);
    }

    @Test
    void aFixedRateJobRunsAtItsRateAndEachRunRecordsItsScheduledTimeAndLateness() {
        String id = api.createJob("{\"name\": \"every-second\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}");
        await().atMost(Duration.ofSeconds(20)).until(() -> succeeded(api.runs(id)) >= 3);
        api.post("/api/jobs/" + id + "/pause", "");
        List<Instant> scheduled = new ArrayList<>();
        for (JsonNode run : api.runs(id)) {
            assertThat(run.path("jobId").asText()).isEqualTo(id);
            scheduled.add(Instant.parse(run.path("scheduledAt").asText()));
            if (run.path("state").asText().equals("SUCCEEDED")) {
                assertThat(run.path("startLatenessMillis").asLong()).isBetween(0L, 5000L);
            }
        }
        // newest first, one second apart
        for (int i = 1; i < scheduled.size(); i++) {
            assertThat(Duration.between(scheduled.get(i), scheduled.get(i - 1))).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void aOneOffJobRunsOnceAtItsTime() {
        Instant at = Instant.now().plusMillis(1500).truncatedTo(ChronoUnit.MILLIS);
        String id = api.createJob("{\"name\": \"once\", \"schedule\": {\"at\": \"" + at + "\"}, " + TASK + "}");
        await().atMost(Duration.ofSeconds(20)).until(() -> succeeded(api.runs(id)) == 1);
        assertThat(api.runs(id).get(0).path("scheduledAt").asText()).isEqualTo(at.toString());
        assertThat(api.get("/api/jobs/" + id + "/next").body().path("next")).isEmpty();
        assertThat(api.get("/api/jobs/" + id).body().path("nextFireAt").isNull()).isTrue();
    }

    @Test
    void overlapForbidSkipsAFireWhileARunIsAliveAndRecordsTheSkip() {
        String id = api.createJob("{\"name\": \"forbid\", \"schedule\": {\"every\": \"1s\"}, \"overlap\": \"forbid\","
                + " \"task\": {\"command\": [\"sleep\", \"2.5\"]}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fires(id, "SKIPPED").size() >= 2 && succeeded(api.runs(id)) >= 1);
        api.post("/api/jobs/" + id + "/pause", "");
        assertThat(fires(id, "SKIPPED").get(0).path("message").asText()).contains("is still alive (overlap forbid)");
        assertThat(mostAliveAtOnce(api.runs(id))).isEqualTo(1);
    }

    @Test
    void overlapReplaceCancelsTheAliveRunAndStartsTheNewOne() {
        String id = api.createJob("{\"name\": \"replace\", \"schedule\": {\"every\": \"2s\"}, \"overlap\": \"replace\","
                + " \"task\": {\"command\": [\"sleep\", \"60\"]}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.runs(id).size() >= 2
                && api.runs(id).get(1).path("state").asText().equals("CANCELLED"));
        api.post("/api/jobs/" + id + "/pause", "");
        JsonNode replaced = api.runs(id).get(1);
        assertThat(replaced.path("message").asText()).startsWith("replaced by the run of job " + id);
        JsonNode events = api.task(replaced.path("id").asText()).path("events");
        assertThat(events.get(events.size() - 1).path("state").asText()).isEqualTo("CANCELLED");
        // pausing leaves the last run alive; cancel it so the agent's slots are free for the other tests
        api.post("/api/tasks/" + api.runs(id).get(0).path("id").asText() + "/cancel", "");
    }

    @Test
    void maxRunningCapsHowManyRunsAreAlive() {
        String id = api.createJob("{\"name\": \"capped\", \"schedule\": {\"every\": \"1s\"}, \"maxRunning\": 2,"
                + " \"task\": {\"command\": [\"sleep\", \"3\"]}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fires(id, "SKIPPED").size() >= 2 && succeeded(api.runs(id)) >= 2);
        api.post("/api/jobs/" + id + "/pause", "");
        assertThat(fires(id, "SKIPPED").get(0).path("message").asText()).contains("maxRunning is 2");
        assertThat(mostAliveAtOnce(api.runs(id))).isEqualTo(2);
    }

    @Test
    void pausingStopsFiresAtOnceAndResumingStartsThemAgain() throws InterruptedException {
        String id = api.createJob("{\"name\": \"pausable\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.runs(id).size() >= 2);
        JsonNode paused = api.post("/api/jobs/" + id + "/pause", "").body();
        assertThat(paused.path("paused").asBoolean()).isTrue();
        int runs = api.runs(id).size();
        // nothing to await here: the point is that nothing happens while three fires would have been due
        Thread.sleep(3000);
        assertThat(api.runs(id).size()).isEqualTo(runs);
        // an edit that does not say "paused" leaves the job paused
        assertThat(api.put("/api/jobs/" + id, "{\"name\": \"pausable\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}")
                .body().path("paused").asBoolean()).isTrue();
        api.post("/api/jobs/" + id + "/resume", "");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.runs(id).size() > runs);
        api.post("/api/jobs/" + id + "/pause", "");
    }

    @Test
    void editingAJobChangesWhatItsNextFiresDo() {
        String id = api.createJob("{\"name\": \"editable\", \"schedule\": {\"every\": \"1s\"}, " + TASK + "}");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.runs(id).size() >= 1);
        Api.Response edited = api.put("/api/jobs/" + id, "{\"name\": \"editable\", \"schedule\": {\"every\": \"1s\"},"
                + " \"task\": {\"command\": [\"echo\", \"edited\"]}}");
        assertThat(edited.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(api.runs(id).get(0).path("id").asText())
                .path("stdout").asText().equals("edited\n"));
        api.put("/api/jobs/" + id, "{\"name\": \"editable\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}, " + TASK + "}");
        assertThat(api.get("/api/jobs/" + id).body().path("nextFireAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
    }

    @Test
    void runNowMakesATaskAtOnceAndDeletingAJobKeepsItsRuns() {
        String id = api.createJob("{\"name\": \"manual\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}, " + TASK + "}");
        Api.Response ran = api.post("/api/jobs/" + id + "/run", "");
        assertThat(ran.status()).isEqualTo(201);
        String task = ran.text("taskId");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(task).path("state").asText().equals("SUCCEEDED"));
        assertThat(api.delete("/api/jobs/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/jobs/" + id).status()).isEqualTo(404);
        assertThat(api.task(task).path("jobId").asText()).isEqualTo(id);
        assertThat(api.post("/api/jobs/" + id + "/run", "").status()).isEqualTo(404);
    }

    @Test
    void runNowUnderForbidIsRefusedWhileARunIsAlive() {
        String id = api.createJob("{\"name\": \"manual-forbid\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"},"
                + " \"overlap\": \"forbid\", \"task\": {\"command\": [\"sleep\", \"30\"]}}");
        String first = api.post("/api/jobs/" + id + "/run", "").text("taskId");
        Api.Response second = api.post("/api/jobs/" + id + "/run", "");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.text("message")).contains("still alive (overlap forbid)");
        api.post("/api/tasks/" + first + "/cancel", "");
    }

    @Test
    void jobNamesAreUnique() {
        api.createJob("{\"name\": \"unique\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}, " + TASK + "}");
        Api.Response again = api.post("/api/jobs", "{\"name\": \"unique\", \"schedule\": {\"every\": \"5s\"}, " + TASK + "}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.text("message")).contains("exists already");
    }

    static Stream<Arguments> badJobs() {
        String future = Instant.now().plusSeconds(3600).toString();
        return Stream.of(
                Arguments.of("{\"schedule\": {\"cron\": \"61 * * * * ?\"}, " + TASK, "Value 61 not in range [0, 59]"),
                Arguments.of("{\"schedule\": {\"cron\": \"* * *\"}, " + TASK, "it has 3 fields"),
                Arguments.of("{\"schedule\": {\"cron\": \"0 9 * * 1-5\", \"timeZone\": \"Mars/Olympus\"}, " + TASK,
                        "is not an IANA time zone"),
                Arguments.of("{\"schedule\": {\"at\": \"2001-01-01T00:00:00Z\"}, " + TASK, "is in the past"),
                Arguments.of("{\"schedule\": {\"at\": \"tomorrow\"}, " + TASK, "must be an ISO-8601 time"),
                Arguments.of("{\"schedule\": {\"every\": \"500ms\"}, " + TASK, "schedule.every must be a duration from 1s to 366d"),
                Arguments.of("{\"schedule\": {\"every\": \"99999999999999d\"}, " + TASK, "schedule.every must be a duration from 1s to 366d"),
                Arguments.of("{\"schedule\": {\"every\": \"1s\", \"start\": \"+999999999-12-31T23:59:59Z\"}, " + TASK,
                        "schedule.start must lie between"),
                Arguments.of("{\"schedule\": {\"at\": \"+999999999-12-31T23:59:59Z\"}, " + TASK, "schedule.at must lie between"),
                Arguments.of("{\"schedule\": {\"every\": \"often\"}, " + TASK, "must be a duration"),
                Arguments.of("{\"schedule\": {\"every\": \"5s\", \"cron\": \"* * * * *\"}, " + TASK, "exactly one of"),
                Arguments.of("{\"schedule\": {}, " + TASK, "exactly one of"),
                Arguments.of("{" + TASK, "schedule is required"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"task\": {}", "task.command is required"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}", "task is required"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"task\": {\"command\": [\"true\"], \"key\": \"k\"}",
                        "key is not allowed"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"overlap\": \"sometimes\", " + TASK,
                        "overlap must be one of [allow, forbid, replace]"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"misfire\": \"later\", " + TASK,
                        "misfire must be one of [fire_once, skip]"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"maxRunning\": 0, " + TASK,
                        "maxRunning must be a whole number"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"keepRuns\": -1, " + TASK,
                        "keepRuns must be a whole number from 0"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"keepRuns\": 1000001, " + TASK,
                        "keepRuns must be a whole number from 0"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"keepRuns\": \"10\", " + TASK,
                        "keepRuns must be a whole number from 0"),
                Arguments.of("{\"schedule\": {\"at\": \"" + future + "\"}, \"color\": \"red\", " + TASK,
                        "color is not a job field"));
    }

    @ParameterizedTest
    @MethodSource("badJobs")
    void badJobsAreRefusedWithTheReasonAndNothingIsStored(String fieldsWithoutName, String expected) {
        Api.Response refused = api.post("/api/jobs", fieldsWithoutName.replaceFirst("\\{", "{\"name\": \"bad\", ") + "}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text("message")).contains(expected);
        for (JsonNode job : api.get("/api/jobs?limit=500").body().path("jobs")) {
            assertThat(job.path("name").asText()).isNotEqualTo("bad");
        }
    }

    @Test
    void aJobWithoutANameOrWithAnUnknownIdIsRefused() {
        assertThat(api.post("/api/jobs", "{\"schedule\": {\"every\": \"5s\"}, " + TASK + "}").text("message"))
                .contains("name is required");
        assertThat(api.get("/api/jobs/no-such-job").status()).isEqualTo(404);
        assertThat(api.put("/api/jobs/no-such-job", "{\"name\": \"x\", \"schedule\": {\"every\": \"5s\"}, " + TASK + "}")
                .status()).isEqualTo(404);
        assertThat(api.post("/api/jobs/no-such-job/pause", "").status()).isEqualTo(404);
        assertThat(api.get("/api/jobs/no-such-job/runs").status()).isEqualTo(404);
    }

    private List<JsonNode> fires(String jobId, String state) {
        List<JsonNode> fires = new ArrayList<>();
        api.get("/api/jobs/" + jobId + "/fires?limit=500").body().path("fires").forEach(fire -> {
            if (fire.path("state").asText().equals(state)) {
                fires.add(fire);
            }
        });
        return fires;
    }

    private static long succeeded(JsonNode runs) {
        int count = 0;
        for (JsonNode run : runs) {
            if (run.path("state").asText().equals("SUCCEEDED")) {
                count++;
            }
        }
        return count;
    }

    /** The most runs whose [started, finished] intervals overlap at one moment. */
    private static int mostAliveAtOnce(JsonNode runs) {
        List<long[]> spans = new ArrayList<>();
        for (JsonNode run : runs) {
            if (!run.path("startedAt").isNull() && !run.path("startedAt").isMissingNode()) {
                long end = run.path("finishedAt").isNull() ? Long.MAX_VALUE
                        : Instant.parse(run.path("finishedAt").asText()).toEpochMilli();
                spans.add(new long[] {Instant.parse(run.path("startedAt").asText()).toEpochMilli(), end});
            }
        }
        int most = 0;
        for (long[] span : spans) {
            int alive = 0;
            for (long[] other : spans) {
                if (other[0] <= span[0] && span[0] < other[1]) {
                    alive++;
                }
            }
            most = Math.max(most, alive);
        }
        return most;
    }

    /** Job chains: a run that succeeds, or fails for good, starts the runs of the jobs its job names. */
    @Nested
    class Chains {

        private static final String LATER = "\"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}";

        private String job(String name, String command, String more) {
            return api.createJob("{\"name\": \"" + name + "\", " + LATER + ", \"task\": {\"command\": [\"" + command + "\"]"
                    + "}" + more + "}");
        }

        private String runNow(String jobId) {
            Api.Response ran = api.post("/api/jobs/" + jobId + "/run", "");
            assertThat(ran.status()).isEqualTo(201);
            return ran.text("taskId");
        }

        private JsonNode fires(String jobId) {
            return api.get("/api/jobs/" + jobId + "/fires").body().path("fires");
        }

        private void awaitState(String task, String state) {
            await().atMost(Duration.ofSeconds(20)).until(() -> api.task(task).path("state").asText().equals(state));
        }

        @Test
        void aRunThatSucceedsStartsItsOnSuccessJobsRunExactlyOnceAndNotItsOnFailure() {
            String report = job("chain-report", "true", "");
            String alarm = job("chain-alarm", "true", "");
            String build = job("chain-build", "true", ", \"onSuccess\": [\"chain-report\"], \"onFailure\": [\"chain-alarm\"]");
            assertThat(api.get("/api/jobs/" + build).body().path("onSuccess").get(0).asText()).isEqualTo("chain-report");
            String ran = runNow(build);
            awaitState(ran, "SUCCEEDED");
            await().atMost(Duration.ofSeconds(20)).until(() -> api.runs(report).size() == 1
                    && api.runs(report).get(0).path("state").asText().equals("SUCCEEDED"));
            JsonNode fire = fires(report).get(0);
            assertThat(fire.path("state").asText()).isEqualTo("FIRED");
            assertThat(fire.path("message").asText()).contains("chained: run " + ran + " of job chain-build succeeded (onSuccess); fire of job");
            // further planning passes start nothing more
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> api.runs(report).size() == 1 && api.runs(alarm).isEmpty());
        }

        @Test
        void aRunThatFailsForGoodStartsItsOnFailureJobsAndARetriedAttemptDoesNot() {
            String alarm = job("retry-alarm", "true", "");
            String flaky = api.createJob("{\"name\": \"retry-flaky\", " + LATER + ", \"task\": {\"command\": [\"false\"],"
                    + " \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1s\"}}, \"onFailure\": [\"retry-alarm\"]}");
            String ran = runNow(flaky);
            await().atMost(Duration.ofSeconds(20)).until(() -> api.task(ran).path("state").asText().equals("RETRYING"));
            assertThat(api.runs(alarm)).isEmpty();
            awaitState(ran, "FAILED");
            assertThat(api.task(ran).path("attempt").asInt()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> api.runs(alarm).size() == 1);
            assertThat(fires(alarm).get(0).path("message").asText())
                    .contains("chained: run " + ran + " of job retry-flaky ended FAILED (onFailure)");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> api.runs(alarm).size() == 1);
        }

        @Test
        void aPausedChainedJobsRunIsSkippedAndRecordedAsSuch() {
            String quiet = job("paused-target", "true", ", \"paused\": true");
            String source = job("paused-source", "true", ", \"onSuccess\": [\"paused-target\"]");
            String ran = runNow(source);
            awaitState(ran, "SUCCEEDED");
            await().atMost(Duration.ofSeconds(20)).until(() -> fires(quiet).size() == 1);
            JsonNode fire = fires(quiet).get(0);
            assertThat(fire.path("state").asText()).isEqualTo("SKIPPED");
            assertThat(fire.path("message").asText()).contains("chained: run " + ran).contains("skipped, the job is paused");
            assertThat(api.runs(quiet)).isEmpty();
        }

        @Test
        void chainsToUnknownJobsAndCyclesAreRefusedNamingThem() {
            Api.Response unknown = api.post("/api/jobs", "{\"name\": \"bad-chain\", " + LATER
                    + ", \"task\": {\"command\": [\"true\"]}, \"onFailure\": [\"no-such-job\"]}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.text("message")).contains("onFailure").contains("no-such-job");
            assertThat(api.get("/api/jobs").body().toString()).doesNotContain("bad-chain");

            Api.Response self = api.post("/api/jobs", "{\"name\": \"self-chain\", " + LATER
                    + ", \"task\": {\"command\": [\"true\"]}, \"onSuccess\": [\"self-chain\"]}");
            assertThat(self.status()).isEqualTo(400);
            assertThat(self.text("message")).contains("self-chain -> self-chain");

            String first = job("cycle-a", "true", "");
            String second = job("cycle-b", "true", ", \"onSuccess\": [\"cycle-a\"]");
            Api.Response cycle = api.put("/api/jobs/" + first, "{\"name\": \"cycle-a\", " + LATER
                    + ", \"task\": {\"command\": [\"true\"]}, \"onFailure\": [\"cycle-b\"]}");
            assertThat(cycle.status()).isEqualTo(400);
            assertThat(cycle.text("message")).contains("cycle-a -> cycle-b -> cycle-a");

            Api.Response wrongType = api.post("/api/jobs", "{\"name\": \"bad-type\", " + LATER
                    + ", \"task\": {\"command\": [\"true\"]}, \"onSuccess\": \"cycle-a\"}");
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.text("message")).contains("onSuccess must be an array");

            Api.Response delete = api.delete("/api/jobs/" + first);
            assertThat(delete.status()).isEqualTo(409);
            assertThat(delete.text("message")).contains("cycle-b");
            Api.Response rename = api.put("/api/jobs/" + first, "{\"name\": \"cycle-renamed\", " + LATER
                    + ", \"task\": {\"command\": [\"true\"]}}");
            assertThat(rename.status()).isEqualTo(409);
            assertThat(api.delete("/api/jobs/" + second).status()).isEqualTo(204);
            assertThat(api.delete("/api/jobs/" + first).status()).isEqualTo(204);
        }
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.job.JobStore;
import routes.resident.ResidentStore;
import routes.support.Api;
import routes.support.Cluster;

/**
 * What the console reads and does beyond the plain API: why a queued task waits, a running task's live output, bulk
 * retry and cancel, the dashboard, a schedule's preview, and secret env values masked in every view.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBackendTest {

    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control();
        api = cluster.api();
        cluster.agent("console-agent", 2, "console", Map.of("zone", "b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !api.agent("console-agent").isMissingNode());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aQueuedTaskSaysWhyItWaits() {
        String noType = api.submit("{\"type\": \"build\", \"command\": [\"true\"]}");
        String noLabel = api.submit("{\"type\": \"console\", \"command\": [\"true\"], \"labels\": {\"zone\": \"a\"}}");
        String pinned = api.submit("{\"type\": \"console\", \"command\": [\"true\"], \"agent\": \"agent-9\"}");

        assertThat(api.task(noType).path("waitingBecause").asText()).isEqualTo("no live agent takes type build");
        assertThat(api.task(noLabel).path("waitingBecause").asText())
                .isEqualTo("no live agent that takes type console carries zone=a");
        assertThat(api.task(pinned).path("waitingBecause").asText())
                .isEqualTo("it is pinned to agent agent-9, which has never sent a heartbeat");

        api.post("/api/tasks/" + noType + "/cancel", "");
        assertThat(api.task(noType).has("waitingBecause")).as("an ended task waits for nothing").isFalse();
        api.post("/api/tasks/bulk-cancel", "{\"type\": \"console\", \"state\": \"QUEUED\"}");
    }

    @Test
    void aRunningTasksOutputIsReadLiveThenAsRecorded() {
        String id = api.submit("{\"type\": \"console\", \"labels\": {\"zone\": \"b\"}, \"shell\":"
                + " \"for i in $(seq 1 40); do echo line$i; echo err$i >&2; sleep 0.2; done\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("RUNNING"));

        // the first reads mark it watched; what it wrote so far arrives within the agent's push interval
        JsonNode[] read = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            read[0] = api.get("/api/tasks/" + id + "/output").body();
            return read[0].path("stdout").asText().contains("line3");
        });
        assertThat(read[0].path("running").asBoolean()).isTrue();
        assertThat(read[0].path("stderr").asText()).contains("err1");
        long next = read[0].path("stdoutNext").asLong();
        assertThat(next).isEqualTo(read[0].path("stdout").asText().length());

        JsonNode[] more = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            more[0] = api.get("/api/tasks/" + id + "/output?stdoutFrom=" + next + "&stderrFrom="
                    + read[0].path("stderrNext").asLong()).body();
            return !more[0].path("stdout").asText().isEmpty();
        });
        assertThat(more[0].path("stdout").asText()).doesNotContain("line1\n").startsWith("line");
        assertThat(more[0].path("truncated").asBoolean()).isFalse();

        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        JsonNode recorded = api.get("/api/tasks/" + id + "/output").body();
        assertThat(recorded.path("running").asBoolean()).isFalse();
        assertThat(recorded.path("stdout").asText()).startsWith("line1\n").contains("line40");
        assertThat(recorded.path("stdoutNext").asLong()).isEqualTo(recorded.path("stdout").asText().length());
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.stores().redis().keys("*:output:" + id).isEmpty());

        assertThat(api.get("/api/tasks/" + id + "/output?stdoutFrom=-1").status()).isEqualTo(400);
        assertThat(api.get("/api/tasks/no-such-task/output").status()).isEqualTo(404);
    }

    @Test
    void aTaskThatNobodyWatchesPushesNothing() {
        String id = api.submit("{\"type\": \"console\", \"labels\": {\"zone\": \"b\"}, \"shell\": \"echo quiet; sleep 1\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        assertThat(cluster.stores().redis().keys("*:output:*" + id)).isEmpty();
        assertThat(api.get("/api/tasks/" + id + "/output").body().path("stdout").asText()).isEqualTo("quiet\n");
    }

    @Test
    void bulkCancelAndRetryActOnTheFilteredSetAndCountWhatTheySkipped() {
        for (int i = 0; i < 3; i++) {
            api.submit("{\"type\": \"bulk\", \"command\": [\"true\"]}");
        }
        Api.Response cancelled = api.post("/api/tasks/bulk-cancel", "{\"type\": \"bulk\"}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().toString()).isEqualTo("{\"matched\":3,\"done\":3,\"skipped\":0,\"limit\":1000}");

        Api.Response retried = api.post("/api/tasks/bulk-retry", "{\"type\": \"bulk\", \"state\": \"CANCELLED\"}");
        assertThat(retried.body().path("done").asInt()).isEqualTo(3);
        assertThat(api.get("/api/tasks?type=bulk&state=QUEUED").body().path("total").asInt()).isEqualTo(3);

        // queued tasks have not ended: a retry skips them
        Api.Response skipped = api.post("/api/tasks/bulk-retry", "{\"type\": \"bulk\"}");
        assertThat(skipped.body().path("matched").asInt()).isEqualTo(3);
        assertThat(skipped.body().path("skipped").asInt()).isEqualTo(3);

        assertThat(api.post("/api/tasks/bulk-cancel", "{}").status()).isEqualTo(400);
        assertThat(api.post("/api/tasks/bulk-cancel", "{\"state\": \"NOPE\"}").status()).isEqualTo(400);
        assertThat(api.post("/api/tasks/bulk-cancel", "{\"colour\": \"red\"}").text("message")).contains("colour");
        api.post("/api/tasks/bulk-cancel", "{\"type\": \"bulk\"}");
    }

    @Test
    void aTaskIsFoundByItsKeyWhateverItsType() {
        String id = api.submit("{\"type\": \"nobody-takes-this\", \"key\": \"order 42/line 7\", \"command\": [\"true\"]}");
        api.submit("{\"type\": \"nobody-takes-this\", \"key\": \"order 42/line 8\", \"command\": [\"true\"]}");
        JsonNode found = api.get("/api/tasks?key=" + URLEncoder.encode("order 42/line 7", StandardCharsets.UTF_8)).body();
        assertThat(found.path("total").asInt()).isEqualTo(1);
        assertThat(found.path("tasks").path(0).path("id").asText()).isEqualTo(id);
        Api.Response cancelled = api.post("/api/tasks/bulk-cancel", "{\"key\": \"order 42/line 7\"}");
        assertThat(cancelled.body().path("done").asInt()).isEqualTo(1);
        assertThat(api.task(id).path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void theDashboardTellsTheLastHourQueuesAgentsAndFires() {
        String done = api.submit("{\"type\": \"console\", \"labels\": {\"zone\": \"b\"}, \"command\": [\"true\"]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(done).path("state").asText().equals("SUCCEEDED"));
        String waiting = api.submit("{\"type\": \"dash\", \"command\": [\"true\"]}");
        String job = api.createJob("{\"name\": \"dash-every-second\", \"schedule\": {\"every\": \"1s\"},"
                + " \"overlap\": \"allow\", \"task\": {\"type\": \"dash\", \"command\": [\"true\"]}}");

        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/dashboard").body().path("fires").path("fired").asInt() > 0);
        JsonNode dashboard = api.get("/api/dashboard").body();
        assertThat(dashboard.path("perMinute")).hasSize(60);
        assertThat(dashboard.path("lastHour").path("succeeded").asInt()).isPositive();
        assertThat(dashboard.path("tasks").path("QUEUED").asInt()).isPositive();
        JsonNode queue = null;
        for (JsonNode q : dashboard.path("queues")) {
            if (q.path("type").asText().equals("dash") && q.path("priority").asText().equals("normal")) {
                queue = q;
            }
        }
        assertThat(queue).isNotNull();
        assertThat(queue.path("depth").asInt()).isPositive();
        assertThat(queue.path("oldestAgeMillis").asLong()).isNotNegative();
        assertThat(dashboard.path("agents").path("live").asInt()).isEqualTo(1);
        assertThat(dashboard.path("fires").path("latenessAvgMillis").isNumber()).isTrue();
        assertThat(dashboard.path("fires").path("last").get(0).path("jobId").asText()).isEqualTo(job);

        api.delete("/api/jobs/" + job);
        api.post("/api/tasks/bulk-cancel", "{\"type\": \"dash\"}");
        assertThat(api.task(waiting).path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aSchedulePreviewTellsTheNextFiresOrTheParsersReason() {
        long jobs = api.get("/api/jobs?limit=1").body().path("total").asLong();
        Api.Response preview = api.post("/api/jobs/preview",
                "{\"schedule\": {\"cron\": \"0 9 * * 1-5\", \"timeZone\": \"Europe/Berlin\"}, \"count\": 3}");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.text("timeZone")).isEqualTo("Europe/Berlin");
        assertThat(preview.text("description")).isNotBlank();
        assertThat(preview.body().path("next")).hasSize(3);
        assertThat(preview.body().path("next").get(0).asText()).contains("T09:00");
        assertThat(api.post("/api/jobs/preview", "{\"schedule\": {\"cron\": \"0 0 * * *\"}}").body().path("next")).hasSize(10);

        Api.Response bad = api.post("/api/jobs/preview", "{\"schedule\": {\"cron\": \"61 * * * *\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("message")).startsWith("schedule.cron \"61 * * * *\" is invalid: ");
        assertThat(api.post("/api/jobs/preview", "{\"schedule\": {\"cron\": \"* * * * *\"}, \"count\": 0}").status()).isEqualTo(400);
        assertThat(api.get("/api/jobs?limit=1").body().path("total").asLong()).as("nothing stored").isEqualTo(jobs);
    }

    @Test
    void secretEnvValuesAreMaskedInEveryViewAndKeptWhenSentBackMasked() {
        String env = "{\"DB_PASSWORD\": \"hunter2\", \"api_key\": \"k-1\", \"GitHubToken\": \"t-1\", \"PLAIN\": \"p\"}";
        String id = api.submit("{\"type\": \"console\", \"labels\": {\"zone\": \"b\"}, \"env\": " + env
                + ", \"shell\": \"echo $DB_PASSWORD\"}");
        JsonNode task = api.task(id);
        assertThat(task.path("env").path("DB_PASSWORD").asText()).isEqualTo("********");
        assertThat(task.path("env").path("api_key").asText()).isEqualTo("********");
        assertThat(task.path("env").path("GitHubToken").asText()).isEqualTo("********");
        assertThat(task.path("env").path("PLAIN").asText()).isEqualTo("p");
        // the command gets the real value
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        assertThat(api.task(id).path("stdout").asText()).isEqualTo("hunter2\n");
        for (JsonNode listed : api.get("/api/tasks?type=console&limit=100").body().path("tasks")) {
            assertThat(listed.path("env").toString()).doesNotContain("hunter2");
        }

        String job = api.createJob("{\"name\": \"secret-job\", \"paused\": true, \"schedule\": {\"cron\": \"0 0 3 * * ?\"},"
                + " \"task\": {\"type\": \"never\", \"command\": [\"true\"], \"env\": " + env + "}}");
        JsonNode jobView = api.get("/api/jobs/" + job).body();
        assertThat(jobView.path("task").path("env").path("DB_PASSWORD").asText()).isEqualTo("********");
        assertThat(api.get("/api/jobs").body().toString()).doesNotContain("hunter2").doesNotContain("k-1");
        // the console sends back what it was shown, with one value changed
        String sentBack = "{\"name\": \"secret-job\", \"paused\": true, \"schedule\": {\"cron\": \"0 0 3 * * ?\"},"
                + " \"task\": {\"type\": \"never\", \"command\": [\"true\"], \"env\": {\"DB_PASSWORD\": \"********\","
                + " \"api_key\": \"k-2\", \"PLAIN\": \"********\"}}}";
        assertThat(api.put("/api/jobs/" + job, sentBack).status()).isEqualTo(200);
        assertThat(cluster.controlContext().getBean(JobStore.class).get(job).task().env())
                .isEqualTo(Map.of("DB_PASSWORD", "hunter2", "api_key", "k-2", "PLAIN", "********"));

        Api.Response resident = api.post("/api/residents", "{\"name\": \"secret-resident\", \"instances\": 0,"
                + " \"task\": {\"type\": \"never\", \"command\": [\"sleep\", \"60\"], \"env\": " + env + "}}");
        String residentId = resident.text("id");
        assertThat(resident.body().path("task").path("env").path("GitHubToken").asText()).isEqualTo("********");
        api.put("/api/residents/" + residentId, "{\"name\": \"secret-resident\", \"instances\": 0, \"task\": {\"type\":"
                + " \"never\", \"command\": [\"sleep\", \"60\"], \"env\": {\"GitHubToken\": \"********\"}}}");
        assertThat(cluster.controlContext().getBean(ResidentStore.class).get(residentId).task().env())
                .isEqualTo(Map.of("GitHubToken", "t-1"));
        assertThat(api.get("/api/residents/" + residentId).body().toString()).doesNotContain("t-1");
        api.delete("/api/jobs/" + job);
        api.delete("/api/residents/" + residentId);
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/** Job chains over HTTP: a run that succeeds, or fails for good, starts the runs of the jobs its job names. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobChainsTest {

    private static final String LATER = "\"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}";

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
        // a further planning pass or two starts nothing more
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(api.runs(report)).hasSize(1);
        assertThat(api.runs(alarm)).isEmpty();
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
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(api.runs(alarm)).hasSize(1);
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

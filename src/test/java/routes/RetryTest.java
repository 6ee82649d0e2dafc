package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/** Failed attempts run again with backoff until the task's attempts are used; then the dead-letter view and retry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryTest {

    private Cluster cluster;
    private Api api;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        cluster = new Cluster(dir).control();
        cluster.agent("worker", 4, "default", Map.of());
        api = cluster.api();
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aTaskThatKeepsFailingRunsMaxAttemptsTimesThenLandsInTheDeadLetterView() {
        String id = api.submit("{\"command\": [\"false\"], \"retry\": {\"maxAttempts\": 3, \"backoff\": \"200ms\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("FAILED"));
        JsonNode task = api.task(id);
        assertThat(task.path("attempt").asInt()).isEqualTo(3);
        assertThat(task.path("exhausted").asBoolean()).isTrue();
        List<String> messages = task.path("events").findValuesAsText("message");
        assertThat(messages).anyMatch(m -> m.contains("retry 2 of 3 in")).anyMatch(m -> m.contains("retry 3 of 3 in"))
                .anyMatch(m -> m.endsWith("no attempts left (3 of 3)"));
        assertThat(task.path("events").findValuesAsText("state")).containsSubsequence("RUNNING", "RETRYING", "QUEUED",
                "DISPATCHED", "RUNNING", "RETRYING", "QUEUED", "DISPATCHED", "RUNNING", "FAILED");
        assertThat(api.get("/api/tasks?state=FAILED&exhausted=true&limit=500").body().path("tasks").findValuesAsText("id"))
                .contains(id);
    }

    @Test
    void aTaskThatFailsOnceSucceedsOnItsSecondAttempt() {
        Path marker = dir.resolve("failed-once");
        String id = api.submit("{\"shell\": \"test -f " + marker + " || { touch " + marker + "; exit 1; }\","
                + " \"retry\": {\"maxAttempts\": 3, \"backoff\": \"100ms\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        assertThat(api.task(id).path("attempt").asInt()).isEqualTo(2);
        assertThat(api.task(id).path("exhausted").asBoolean()).isFalse();
    }

    @Test
    void aTimeoutIsNotRetriedWhenTheTaskSaysSo() {
        String id = api.submit("{\"command\": [\"sleep\", \"5\"], \"timeoutSeconds\": 1,"
                + " \"retry\": {\"maxAttempts\": 3, \"backoff\": \"100ms\", \"onTimeout\": false}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("TIMED_OUT"));
        assertThat(api.task(id).path("attempt").asInt()).isEqualTo(1);
        assertThat(api.task(id).path("exhausted").asBoolean()).isFalse();
    }

    @Test
    void aTimeoutIsRetriedByDefault() {
        String id = api.submit("{\"command\": [\"sleep\", \"5\"], \"timeoutSeconds\": 1,"
                + " \"retry\": {\"maxAttempts\": 2, \"backoff\": \"100ms\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("TIMED_OUT"));
        assertThat(api.task(id).path("attempt").asInt()).isEqualTo(2);
        assertThat(api.task(id).path("exhausted").asBoolean()).isTrue();
    }

    @Test
    void retryingADeadLetterRunsItAgainWithItsAttemptsAfresh() throws Exception {
        Path marker = dir.resolve("fixed");
        String id = api.submit("{\"command\": [\"test\", \"-f\", \"" + marker + "\"], \"retry\": {\"maxAttempts\": 2,"
                + " \"backoff\": \"100ms\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("FAILED"));
        assertThat(api.post("/api/tasks/" + id + "/retry", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("FAILED"));
        // it failed twice more: a fresh budget of two attempts
        assertThat(api.task(id).path("attempt").asInt()).isEqualTo(4);

        Files.createFile(marker);
        api.post("/api/tasks/" + id + "/retry", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        assertThat(api.task(id).path("events").findValuesAsText("message")).anyMatch(m -> m.equals("retried by request after it ended FAILED"));
        Api.Response again = api.post("/api/tasks/" + id + "/retry", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.text("message")).contains("only a FAILED, TIMED_OUT or CANCELLED task can be retried");
        assertThat(api.post("/api/tasks/no-such-task/retry", "").status()).isEqualTo(404);
    }

    @Test
    void badRetryPoliciesAreRefused() {
        assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"retry\": {\"maxAttempts\": 0}}").text("message"))
                .contains("retry.maxAttempts must be a whole number from 1 to 100");
        assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"soon\"}}")
                .text("message")).contains("retry.backoff must be a duration from 1ms to 7d");
        assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1m\","
                + " \"maxBackoff\": \"1s\"}}").text("message")).contains("maxBackoff must not be shorter than backoff");
        assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"retry\": 3}").status()).isEqualTo(400);
        assertThat(api.get("/api/tasks?exhausted=maybe").status()).isEqualTo(400);
    }
}

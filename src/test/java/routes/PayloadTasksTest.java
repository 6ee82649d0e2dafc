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

/** Tasks that carry a payload for a worker instead of a command: stored, shown, validated, never sent to an agent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayloadTasksTest {

    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.workers.max-payload-bytes=1000");
        // an agent that takes the payload tasks' type too: it must still never be handed one
        cluster.agent("agent-1", 4, "default,resize", Map.of());
        api = cluster.api();
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aPayloadTaskIsStoredAndShownWithItsPayloadAndWaitsForAWorkerNotAnAgent() {
        String id = api.submit("{\"type\": \"resize\", \"payload\": {\"image\": \"a.png\", \"sizes\": [64, 128]},"
                + " \"priority\": \"urgent\", \"labels\": {\"gpu\": \"yes\"}, \"key\": \"resize-a\"}");
        // a command task of the same type submitted after it runs on the agent, so a pass has looked at the queue
        String command = api.submit("{\"type\": \"resize\", \"command\": [\"true\"]}");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(command).path("state").asText().equals("SUCCEEDED"));

        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("QUEUED");
        assertThat(task.path("payload").path("sizes").get(1).asInt()).isEqualTo(128);
        assertThat(task.has("command")).isTrue();
        assertThat(task.path("command").isNull()).isTrue();
        assertThat(task.path("agent").isNull()).isTrue();
        assertThat(task.path("waitingBecause").asText())
                .isEqualTo("it waits for a worker that takes type resize and carries gpu=yes to lease it"
                        + " (a payload task is never sent to an agent)");
        assertThat(api.get("/api/tasks?type=resize").body().path("tasks").findValuesAsText("id")).contains(id);
        // the idempotency key holds as for any task
        assertThat(api.post("/api/tasks", "{\"type\": \"resize\", \"payload\": {\"image\": \"b.png\"}, \"key\": \"resize-a\"}")
                .text("id")).isEqualTo(id);
    }

    @Test
    void aPayloadTaskCanBeCancelledWhileItWaits() {
        String id = api.submit("{\"type\": \"resize\", \"payload\": [1, 2, 3]}");
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(200);
        assertThat(api.task(id).path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aJobWhoseTemplateIsAPayloadTaskMakesPayloadTasks() {
        String job = api.createJob("{\"name\": \"nightly-resize\", \"schedule\": {\"cron\": \"0 0 3 * * ?\"},"
                + " \"task\": {\"type\": \"resize\", \"payload\": {\"all\": true}}}");
        assertThat(api.post("/api/jobs/" + job + "/run", "").status()).isLessThan(300);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.runs(job).size() == 1);
        JsonNode run = api.task(api.runs(job).get(0).path("id").asText());
        assertThat(run.path("payload").path("all").asBoolean()).isTrue();
        assertThat(run.path("state").asText()).isEqualTo("QUEUED");
    }

    @Test
    void aTaskWithBothACommandAndAPayloadIsRefusedNamingThem() {
        Api.Response both = api.post("/api/tasks", "{\"command\": [\"true\"], \"payload\": {}}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.text("message")).isEqualTo("give one of command, shell or payload, not command and payload");
        Api.Response none = api.post("/api/tasks", "{\"type\": \"resize\", \"payload\": null}");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.text("message")).contains("or payload, JSON for a worker");
    }

    @Test
    void aPayloadLargerThanTheConfiguredBoundIsRefusedWithItsSize() {
        Api.Response big = api.post("/api/tasks", "{\"type\": \"resize\", \"payload\": \"" + "x".repeat(1000) + "\"}");
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.text("message")).isEqualTo("payload is 1002 bytes of JSON; at most 1000 are taken");
        Api.Response inBatch = api.post("/api/tasks/batch",
                "{\"tasks\": [{\"payload\": 1}, {\"payload\": 2, \"env\": {\"A\": \"b\"}}]}");
        assertThat(inBatch.status()).isEqualTo(400);
        assertThat(inBatch.text("message")).isEqualTo("tasks[1].env is not taken with payload: a payload task is work"
                + " for a worker of its type, not a process on an agent");
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * A workflow's graph is in the record, not in a control node: stopped while the parents run and started again, control
 * releases the waiting task once the parents' reports, which waited in Redis meanwhile, are stored.
 */
class WorkflowRestartTest {

    @Test
    void aFanInWaitingWhileItsOnlyControlNodeRestartsRunsOnceAfterBothParents(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("restart-agent", 4, "default", Map.of());
            Api.Response made = cluster.api().post("/api/workflows", """
                    {"tasks": [
                      {"name": "a", "shell": "sleep 2; echo one"},
                      {"name": "b", "shell": "sleep 2; echo two"},
                      {"name": "c", "dependsOn": ["a", "b"], "shell": "echo $CARAVAN_PARENT_A_RESULT $CARAVAN_PARENT_B_RESULT"}]}
                    """);
            assertThat(made.status()).isEqualTo(201);
            Map<String, String> ids = new HashMap<>();
            made.body().path("tasks").forEach(task -> ids.put(task.path("name").asText(), task.path("taskId").asText()));
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.api().task(ids.get("a")).path("state").asText()
                    .equals("RUNNING") && cluster.api().task(ids.get("b")).path("state").asText().equals("RUNNING"));

            cluster.stop(cluster.controlContext(0));
            cluster.control();
            Api api = cluster.api(1);

            await().atMost(Duration.ofSeconds(60)).until(() -> api.ready()
                    && api.task(ids.get("c")).path("state").asText().equals("SUCCEEDED"));
            JsonNode c = api.task(ids.get("c"));
            assertThat(c.path("stdout").asText()).isEqualTo("one two\n");
            for (String name : ids.keySet()) {
                assertThat(api.task(ids.get(name)).path("events").findValuesAsText("state").stream()
                        .filter("SUCCEEDED"::equals)).as(name).hasSize(1);
            }
            assertThat(api.get("/api/workflows/" + made.text("id")).text("state")).isEqualTo("SUCCEEDED");
        }
    }
}

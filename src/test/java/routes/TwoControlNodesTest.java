package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/** Two control nodes dispatch from the same queues: every task is dispatched once and ends once. */
class TwoControlNodesTest {

    @Test
    void twoControlNodesNeverDispatchATaskTwice(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control().control()) {
            cluster.agent("worker-1", 3, "default", Map.of());
            cluster.agent("worker-2", 3, "default", Map.of());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ids.add(cluster.api(i % 2).submit("{\"command\": [\"true\"]}"));
            }
            Api api = cluster.api();
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
                JsonNode events = api.task(id).path("events");
                List<String> states = events.findValues("state").stream().map(JsonNode::asText).toList();
                // a claim may be given back when the other node filled the agent first (DISPATCHED, QUEUED again),
                // but the task reaches one inbox, runs once and ends once
                assertThat(states.stream().filter(s -> s.equals("RUNNING") || s.equals("SUCCEEDED")))
                        .as(id).containsExactly("RUNNING", "SUCCEEDED");
                long dispatched = states.stream().filter("DISPATCHED"::equals).count();
                long givenBack = states.stream().filter("QUEUED"::equals).count() - 1;
                assertThat(dispatched - givenBack).as(id).isEqualTo(1);
            }
        }
    }
}

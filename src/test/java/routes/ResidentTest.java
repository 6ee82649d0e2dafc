package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.NodeProcess;

/** Residents: N instances kept alive, restarted with backoff, moved off a dead agent, scaled through the API. */
class ResidentTest {

    private static final String LONG = "{\"command\": [\"sleep\", \"60\"], \"labels\": {\"pool\": \"resident\"}}";

    @Test
    void instancesAreKeptAliveScaledAndMovedOffADeadAgent(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control();
             NodeProcess doomed = NodeProcess.agent(cluster.stores(), dir, "doomed", 4, Map.of("pool", "resident"))) {
            Api api = cluster.api();
            await().atMost(Duration.ofSeconds(90)).until(() -> api.get("/api/agents").body().size() == 1);
            Api.Response created = api.post("/api/residents",
                    "{\"name\": \"consumers\", \"instances\": 3, \"task\": " + LONG + "}");
            assertThat(created.status()).isEqualTo(201);
            String id = created.text("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> running(api, id).size() == 3);

            // scale down: one cancelled (and killed); up again: a new one starts
            assertThat(api.post("/api/residents/" + id + "/scale", "{\"instances\": 2}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> alive(api, id).size() == 2);
            assertThat(api.get("/api/tasks?resident=" + id + "&state=CANCELLED").body().path("total").asInt()).isEqualTo(1);

            // the agent dies: its instances run elsewhere, as the same tasks (a new attempt), none lost or added
            List<String> before = running(api, id);
            cluster.agent("survivor", 4, "default", Map.of("pool", "resident"));
            doomed.crash();
            await().atMost(Duration.ofSeconds(30)).until(() -> running(api, id).size() == 2
                    && alive(api, id).stream().allMatch(i -> i.path("agent").asText().equals("survivor")));
            assertThat(running(api, id)).containsExactlyInAnyOrderElementsOf(before);

            assertThat(api.post("/api/residents/" + id + "/scale", "{\"instances\": 3}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> running(api, id).size() == 3);

            // deleting it cancels its instances
            assertThat(api.delete("/api/residents/" + id).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    api.get("/api/tasks?resident=" + id + "&state=CANCELLED").body().path("total").asInt() == 4);
            assertThat(api.get("/api/residents/" + id).status()).isEqualTo(404);
        }
    }

    @Test
    void anInstanceThatKeepsExitingIsRestartedWithAGrowingBackoff(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("worker", 2, "default", Map.of("pool", "resident"));
            Api api = cluster.api();
            String id = api.post("/api/residents", "{\"name\": \"flaky\", \"instances\": 1, \"restartBackoff\": \"400ms\","
                    + " \"maxRestartBackoff\": \"1600ms\", \"task\": {\"shell\": \"exit 1\", \"labels\": {\"pool\": \"resident\"}}}")
                    .text("id");
            await().atMost(Duration.ofSeconds(60)).until(() -> ended(api, id).size() >= 5);

            // from each instance's end to the next one's creation: 400, 800, 1600, 1600 ms at least
            List<JsonNode> runs = ended(api, id);
            long[] waits = {400, 800, 1600, 1600};
            for (int i = 0; i < waits.length; i++) {
                long gap = Instant.parse(runs.get(i + 1).path("createdAt").asText()).toEpochMilli()
                        - Instant.parse(runs.get(i).path("finishedAt").asText()).toEpochMilli();
                assertThat(gap).as("wait before instance " + (i + 2)).isGreaterThanOrEqualTo(waits[i]);
            }
            assertThat(api.get("/api/residents/" + id).body().path("failuresInARow").asInt()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void badDefinitionsAreRejected(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            String task = "{\"command\": [\"sleep\", \"60\"]}";
            for (String bad : List.of(
                    "{\"name\": \"r\", \"instances\": -1, \"task\": " + task + "}",
                    "{\"name\": \"r\", \"instances\": 1001, \"task\": " + task + "}",
                    "{\"name\": \"r\", \"instances\": 1}",
                    "{\"name\": \"r\", \"instances\": 1, \"task\": {\"command\": [\"true\"], \"retry\": {\"maxAttempts\": 2}}}",
                    "{\"name\": \"r\", \"instances\": 1, \"task\": {\"command\": [\"true\"], \"target\": \"all\"}}",
                    "{\"name\": \"r\", \"instances\": 1, \"restartBackoff\": \"soon\", \"task\": " + task + "}",
                    "{\"name\": \"r\", \"instances\": 1, \"restartBackoff\": \"99999999999999d\", \"task\": " + task + "}",
                    "{\"name\": \"r\", \"instances\": 1, \"maxRestartBackoff\": \"2d\", \"task\": " + task + "}",
                    "{\"name\": \"r\", \"instances\": 1, \"replicas\": 2, \"task\": " + task + "}")) {
                Api.Response response = api.post("/api/residents", bad);
                assertThat(response.status()).as(bad).isEqualTo(400);
                assertThat(response.text("message")).as(bad).isNotBlank();
            }
            assertThat(api.post("/api/residents", "{\"name\": \"r\", \"instances\": 0, \"task\": " + task + "}").status())
                    .isEqualTo(201);
            assertThat(api.post("/api/residents", "{\"name\": \"r\", \"instances\": 0, \"task\": " + task + "}").status())
                    .isEqualTo(409);
            assertThat(api.post("/api/residents/nope/scale", "{\"instances\": 1}").status()).isEqualTo(404);
            assertThat(api.get("/api/residents").body().path("total").asInt()).isEqualTo(1);
        }
    }

    private static List<JsonNode> alive(Api api, String resident) {
        List<JsonNode> alive = new ArrayList<>();
        api.get("/api/residents/" + resident).body().path("alive").forEach(alive::add);
        return alive;
    }

    private static List<String> running(Api api, String resident) {
        return alive(api, resident).stream().filter(i -> i.path("state").asText().equals("RUNNING"))
                .map(i -> i.path("taskId").asText()).toList();
    }

    /** The resident's ended instances, oldest first. */
    private static List<JsonNode> ended(Api api, String resident) {
        List<JsonNode> ended = new ArrayList<>();
        api.get("/api/tasks?resident=" + resident + "&state=FAILED&limit=500").body().path("tasks").forEach(ended::add);
        Collections.reverse(ended);
        return ended;
    }
}

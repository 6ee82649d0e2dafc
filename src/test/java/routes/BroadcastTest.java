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

/** target "all": one run on every live agent that takes the task's type and labels, for a task and for a job. */
class BroadcastTest {

    private static final String BROADCAST = "{\"command\": [\"true\"], \"labels\": {\"pool\": \"wide\"}, \"target\": \"all\"}";

    @Test
    void aBroadcastRunsOnceOnEveryMatchingLiveAgent(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("wide-1", 1, "default", Map.of("pool", "wide"));
            cluster.agent("wide-2", 1, "default", Map.of("pool", "wide"));
            cluster.agent("narrow", 1, "default", Map.of("pool", "narrow"));
            Api api = cluster.api();
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/agents").body().size() == 3);

            Api.Response submitted = api.post("/api/tasks", BROADCAST);
            assertThat(submitted.status()).isEqualTo(201);
            String broadcast = submitted.text("broadcast");
            List<String> agents = new ArrayList<>();
            for (JsonNode task : submitted.body().path("tasks")) {
                agents.add(task.path("pinnedAgent").asText());
                assertThat(task.path("broadcastId").asText()).isEqualTo(broadcast);
            }
            assertThat(agents).containsExactly("wide-1", "wide-2");
            for (JsonNode task : submitted.body().path("tasks")) {
                String id = task.path("id").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
                assertThat(api.task(id).path("agent").asText()).isEqualTo(task.path("pinnedAgent").asText());
            }
            assertThat(api.get("/api/tasks?broadcast=" + broadcast).body().path("total").asInt()).isEqualTo(2);

            // a draining agent takes no new work, broadcasts included
            api.post("/api/agents/wide-2/drain", "");
            await().atMost(Duration.ofSeconds(10)).until(() -> draining(api, "wide-2"));
            JsonNode second = api.post("/api/tasks", BROADCAST).body();
            assertThat(second.path("tasks").findValuesAsText("pinnedAgent")).containsExactly("wide-1");
        }
    }

    @Test
    void aJobWithTargetAllFiresOnEveryMatchingAgent(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("wide-1", 1, "default", Map.of("pool", "wide"));
            cluster.agent("wide-2", 1, "default", Map.of("pool", "wide"));
            Api api = cluster.api();
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/agents").body().size() == 2);
            String job = api.createJob("{\"name\": \"everywhere\", \"schedule\": {\"cron\": \"0 0 0 1 1 ? 2099\"}, "
                    + "\"task\": " + BROADCAST + "}");

            JsonNode fire = api.post("/api/jobs/" + job + "/run", "").body();
            assertThat(fire.path("message").asText()).contains("broadcast").contains("to 2 agents");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.runs(job).size() == 2 && allSucceeded(api.runs(job)));
            assertThat(api.runs(job).findValuesAsText("agent")).containsExactlyInAnyOrder("wide-1", "wide-2");
            assertThat(api.runs(job).findValuesAsText("broadcastId")).hasSize(2).containsOnly(
                    api.runs(job).get(0).path("broadcastId").asText());
        }
    }

    @Test
    void aBroadcastNoAgentTakesIsRefusedAndBadTargetsAreRejected(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            Api.Response none = api.post("/api/tasks", BROADCAST);
            assertThat(none.status()).isEqualTo(409);
            assertThat(none.text("message")).contains("no live agent takes type default with labels {pool=wide}");
            for (String bad : List.of(
                    "{\"command\": [\"true\"], \"target\": \"some\"}",
                    "{\"command\": [\"true\"], \"target\": \"all\", \"agent\": \"a\"}",
                    "{\"command\": [\"true\"], \"target\": \"all\", \"key\": \"k\"}")) {
                assertThat(api.post("/api/tasks", bad).status()).as(bad).isEqualTo(400);
            }
            assertThat(api.post("/api/tasks/batch", "{\"tasks\": [" + BROADCAST + "]}").status()).isEqualTo(400);
            assertThat(api.get("/api/tasks").body().path("total").asInt()).isZero();
        }
    }

    private static boolean allSucceeded(JsonNode tasks) {
        for (JsonNode task : tasks) {
            if (!task.path("state").asText().equals("SUCCEEDED")) {
                return false;
            }
        }
        return true;
    }

    private static boolean draining(Api api, String agent) {
        return api.agent(agent).path("status").path("draining").asBoolean();
    }
}

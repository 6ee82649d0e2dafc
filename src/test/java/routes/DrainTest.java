package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import routes.support.NodeProcess;
import routes.support.Api;
import routes.support.Cluster;

/** Draining an agent: by the API (it stays up, idle) and by SIGTERM (it finishes, kills past the grace, stops). */
class DrainTest {

    @Test
    void aDrainRequestHandsTheInboxBackAndLetsRunningWorkFinish(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            ConfigurableApplicationContext drained = cluster.agent("drained", 2, "default", Map.of("pool", "drain"));
            String running = api.submit(task("sleep", "2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> state(api, running).equals("RUNNING"));

            // the agent claims nothing more, so the next task waits in its inbox
            drained.getBean(CamelContext.class).getRouteController().stopRoute("agent-claim");
            String waiting = api.submit(task("true"));
            await().atMost(Duration.ofSeconds(30)).until(() -> state(api, waiting).equals("DISPATCHED"));

            assertThat(api.post("/api/agents/drained/drain", "").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> state(api, waiting).equals("QUEUED"));
            assertThat(api.task(waiting).path("events").findValuesAsText("message"))
                    .anyMatch(m -> m.startsWith("agent drained is draining and handed it back"));
            await().atMost(Duration.ofSeconds(10)).until(() -> draining(api, "drained"));

            // what ran there finishes there; what was handed back, and anything new, runs elsewhere
            cluster.agent("other", 2, "default", Map.of("pool", "drain"));
            String later = api.submit(task("true"));
            for (String id : new String[] {running, waiting, later}) {
                await().atMost(Duration.ofSeconds(30)).until(() -> state(api, id).equals("SUCCEEDED"));
            }
            assertThat(api.task(running).path("agent").asText()).isEqualTo("drained");
            assertThat(api.task(waiting).path("agent").asText()).isEqualTo("other");
            assertThat(api.task(later).path("agent").asText()).isEqualTo("other");

            assertThat(api.post("/api/agents/drained/resume", "").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !draining(api, "drained"));
            assertThat(api.post("/api/agents/nobody/drain", "").status()).isEqualTo(404);
        }
    }

    @Test
    void aDrainingAgentKeepsWhatItRunsWhenARedisRestoreGivesItBack(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            cluster.agent("keeper", 1, "default", Map.of("pool", "drain"));
            String id = api.submit(task("sleep", "4"));
            await().atMost(Duration.ofSeconds(30)).until(() -> state(api, id).equals("RUNNING"));
            api.post("/api/agents/keeper/drain", "");
            await().atMost(Duration.ofSeconds(10)).until(() -> draining(api, "keeper"));

            // Redis loses everything: the restore puts the running attempt back in keeper's inbox
            cluster.stores().flushRedis();
            cluster.agent("other", 1, "default", Map.of("pool", "drain"));
            await().atMost(Duration.ofSeconds(30)).until(() -> state(api, id).equals("SUCCEEDED"));
            JsonNode task = api.task(id);
            assertThat(task.path("agent").asText()).isEqualTo("keeper");
            assertThat(task.path("attempt").asInt()).isEqualTo(1);
            assertThat(task.path("events").findValuesAsText("message")).noneMatch(m -> m.contains("handed it back"));
        }
    }

    @Test
    void sigtermFinishesRunningTasksWithinTheGraceAndKillsTheRest(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control();
             NodeProcess agent = NodeProcess.agent(cluster.stores(), dir, "stopping", 2, Map.of("pool", "drain"),
                     "--caravan.agent.drain-grace=4s")) {
            Api api = cluster.api();
            String quick = api.submit(task("sleep", "3"));
            String slow = api.submit(task("sleep", "60"));
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> state(api, quick).equals("RUNNING") && state(api, slow).equals("RUNNING"));

            agent.terminate(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> state(api, quick).equals("SUCCEEDED"));
            await().atMost(Duration.ofSeconds(10)).until(() -> state(api, slow).equals("FAILED"));
            assertThat(api.task(slow).path("message").asText()).contains("caravan.agent.drain-grace");
        }
    }

    private static String task(String... command) {
        return "{\"command\": [\"" + String.join("\", \"", command) + "\"], \"labels\": {\"pool\": \"drain\"}}";
    }

    private static String state(Api api, String id) {
        return api.task(id).path("state").asText();
    }

    private static boolean draining(Api api, String agent) {
        return api.agent(agent).path("status").path("draining").asBoolean();
    }
}

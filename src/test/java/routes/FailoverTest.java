package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import routes.config.RedisProperties;
import routes.message.RunReport;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.NodeProcess;

/** An agent killed with SIGKILL: its running tasks go back to the queue, run elsewhere, and it cannot overwrite them. */
class FailoverTest {

    /** So long that only the closed connections of a killed agent can get it declared dead within the test. */
    private static final String LONG_AGENT_TIMEOUT = "--caravan.dispatcher.agent-timeout=5m";

    private static final String LONG_TASK = "{\"command\": [\"sleep\", \"30\"], \"labels\": {\"pool\": \"failover\"}}";

    /**
     * Another installation shares the Redis, under a prefix of its own, with a live agent also called "doomed": its
     * connection must not pass for this installation's doomed agent.
     */
    @Test
    void aKilledAgentsTasksRunElsewhereAndItsLateReportIsIgnored(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control(LONG_AGENT_TIMEOUT);
             NodeProcess doomed = NodeProcess.agent(cluster.stores(), dir, "doomed", 2, Map.of("pool", "failover"));
             RedisClient client = RedisClient.create("redis://127.0.0.1:" + cluster.stores().redisPort);
             StatefulRedisConnection<String, String> namesake = client.connect()) {
            RedisKeys otherInstallation = new RedisKeys(new RedisProperties(cluster.stores().prefix + "-other", 0, 0));
            namesake.sync().clientSetname(otherInstallation.agentConnectionName("doomed"));
            Api api = cluster.api();
            await().atMost(Duration.ofSeconds(90)).until(() -> alive(api, "doomed"));
            List<String> tasks = List.of(api.submit(LONG_TASK), api.submit(LONG_TASK));
            await().atMost(Duration.ofSeconds(30)).until(() -> tasks.stream().allMatch(id -> runningOn(api, id, "doomed")));

            cluster.agent("survivor", 2, "default", Map.of("pool", "failover"));
            doomed.kill();
            for (String id : tasks) {
                await().atMost(Duration.ofSeconds(30)).until(() -> runningOn(api, id, "survivor"));
                JsonNode task = api.task(id);
                assertThat(task.path("attempt").asInt()).isEqualTo(2);
                assertThat(task.path("events").findValuesAsText("message"))
                        .anyMatch(m -> m.startsWith("agent doomed stopped sending heartbeats"));
            }

            // the dead agent's outcome for attempt 1 arrives late (a zombie coming back), in its own reports list,
            // which control still reads: recorded as ignored
            String stale = tasks.get(0);
            RunReport late = new RunReport(RunReport.FINISHED, stale, 1, "doomed", System.currentTimeMillis(),
                    "SUCCEEDED", 0, "", "", false, false, null);
            cluster.stores().redis().opsForList().rightPush("{" + cluster.stores().prefix + "}:reports:doomed",
                    new ObjectMapper().writeValueAsString(late));
            await().atMost(Duration.ofSeconds(20)).until(() -> api.task(stale).path("events").findValuesAsText("message")
                    .stream().anyMatch(m -> m.contains("report of attempt 1 from doomed")));
            assertThat(api.task(stale).path("state").asText()).isEqualTo("RUNNING");
            assertThat(api.task(stale).path("agent").asText()).isEqualTo("survivor");
            tasks.forEach(id -> api.post("/api/tasks/" + id + "/cancel", ""));
        }
    }

    @Test
    void anAgentLateWithItsHeartbeatButConnectedKeepsItsWork(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control(LONG_AGENT_TIMEOUT)) {
            ConfigurableApplicationContext agent = cluster.agent("slow", 1, "default", Map.of("pool", "failover"));
            Api api = cluster.api();
            String id = api.submit(LONG_TASK);
            await().atMost(Duration.ofSeconds(30)).until(() -> runningOn(api, id, "slow"));

            // a long GC pause or a stalled timer: no heartbeat, but the process and its connections are there
            agent.getBean(CamelContext.class).getRouteController().stopRoute("agent-heartbeat");
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> runningOn(api, id, "slow") && api.task(id).path("attempt").asInt() == 1);
            api.post("/api/tasks/" + id + "/cancel", "");
        }
    }

    private static boolean alive(Api api, String agent) {
        return api.agent(agent).path("alive").asBoolean();
    }

    private static boolean runningOn(Api api, String taskId, String agent) {
        JsonNode task = api.task(taskId);
        return task.path("state").asText().equals("RUNNING") && task.path("agent").asText().equals(agent);
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.core.StringRedisTemplate;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.NodeProcess;
import routes.support.Ports;
import routes.support.TestStores;
import routes.task.TaskStore;

/**
 * A control node that never comes back: the reports it had taken and not stored, and the tasks it had reclaimed
 * and not re-queued, are adopted by another control node, with another id, within seconds, and every task reaches
 * its outcome once.
 */
class ControlAdoptionTest {

    @Test
    void aLiveControlNodeAdoptsWhatADeadOneHadNotFinished(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir)) {
            StringRedisTemplate redis = cluster.stores().redis();
            String doomed;
            NodeProcess process = null;
            if (TestStores.external()) {
                // its own JVM, killed with SIGKILL: no shutdown hook, nothing finished
                doomed = "doomed";
                int port = Ports.free();
                process = NodeProcess.control(cluster.stores(), dir, doomed, port);
                process.awaitReady(port, Duration.ofSeconds(90));
            } else {
                // the in-memory H2 lives in this JVM: the node is a context of it, closed
                doomed = "control-0";
                cluster.control();
            }
            String controls = "{" + cluster.stores().prefix + "}:controls";
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.opsForZSet().score(controls, doomed) != null);
            cluster.control("--caravan.control.node-timeout=8s", "--caravan.control.heartbeat-millis=250");
            int survivorIndex = TestStores.external() ? 0 : 1;
            Api api = cluster.api(survivorIndex);
            TaskStore store = cluster.controlContext(survivorIndex).getBean(TaskStore.class);
            RedisKeys keys = cluster.controlContext(survivorIndex).getBean(RedisKeys.class);
            String reported = dispatched(api, store);
            String reclaimed = dispatched(api, store);
            String report = "{\"kind\": \"finished\", \"taskId\": \"" + reported + "\", \"attempt\": 1, \"agent\": \"ghost\","
                    + " \"at\": " + System.currentTimeMillis() + ", \"outcome\": \"SUCCEEDED\", \"exitCode\": 0}";

            if (process != null) {
                process.kill();
            } else {
                cluster.stop(cluster.controlContext(0));
            }
            // what it held when it went: a report taken and not stored, a task taken back from a dead agent
            redis.opsForList().rightPush(keys.resultsIngesting(doomed), report);
            redis.opsForList().rightPush(keys.reclaiming(doomed), "ghost|" + reclaimed + ":1|dead");

            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(reported).path("state").asText().equals("SUCCEEDED"));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(reclaimed).path("state").asText().equals("QUEUED"));
            assertThat(api.task(reported).path("events").findValuesAsText("state").stream().filter("SUCCEEDED"::equals))
                    .hasSize(1);
            assertThat(api.task(reclaimed).path("events").findValuesAsText("message"))
                    .anyMatch(m -> m.startsWith("agent ghost stopped sending heartbeats"));
            // adopted once: the dead node is forgotten and its lists are empty
            assertThat(redis.opsForZSet().score(controls, doomed)).isNull();
            assertThat(redis.opsForList().size(keys.resultsIngesting(doomed))).isZero();
            assertThat(redis.opsForList().size(keys.reclaiming(doomed))).isZero();

            // the task taken back runs once, as its next attempt
            cluster.agent("worker", 1, "adopted", Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(reclaimed).path("state").asText().equals("SUCCEEDED"));
            assertThat(api.task(reclaimed).path("attempt").asInt()).isEqualTo(2);
            assertThat(api.task(reclaimed).path("events").findValuesAsText("state").stream().filter("SUCCEEDED"::equals))
                    .hasSize(1);
            if (process != null) {
                process.close();
            }
        }
    }

    /** A task claimed for agent "ghost", which does not exist: DISPATCHED in attempt 1. */
    private static String dispatched(Api api, TaskStore store) {
        String id = api.submit("{\"type\": \"adopted\", \"command\": [\"true\"]}");
        assertThat(store.claim(id, "ghost")).hasValue(1);
        return id;
    }
}

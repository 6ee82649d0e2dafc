package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;

/**
 * What a control node killed between two steps leaves behind while Redis stays healthy, put right by the
 * reconciling pass: a task stored but never queued, and a task claimed for an agent but never handed over.
 */
class ControlCrashTest {

    private static final String TASK = "{\"command\": [\"true\"], \"labels\": {\"pool\": \"crash\"}}";

    @Test
    void tasksLeftBetweenSqlAndRedisByADeadControlNodeRunOnce(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control("--caravan.redis.reconcile-millis=1500")) {
            Api api = cluster.api();
            ConfigurableApplicationContext control = cluster.controlContext();
            StringRedisTemplate redis = control.getBean(StringRedisTemplate.class);
            RedisKeys keys = control.getBean(RedisKeys.class);
            String queue = keys.queue("default", "normal");
            // the first start's restore from SQL is done (it would put back the lost task too), and so are the
            // reconciler's first passes, which compare everything: the next ones look only at what changed
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.hasKey(keys.restored())
                    && redis.opsForList().size(keys.reconcileMarks()) == 2);
            // no agent takes pool=crash yet: the tasks wait in their queue
            String lost = api.submit(TASK);
            String stuck = api.submit(TASK);
            String intact = api.submit(TASK);

            // killed between the insert and the enqueue: QUEUED in SQL, in no queue
            redis.opsForList().remove(queue, 0, lost);
            // killed between the claim in SQL and the move to the inbox: DISPATCHED, still in its queue
            control.getBean(JdbcClient.class).sql("UPDATE tasks SET state = 'DISPATCHED', attempt = 1, agent = 'gone', "
                    + "dispatched_at = created_at WHERE id = ?").param(stuck).update();

            cluster.agent("worker", 2, "default", Map.of("pool", "crash"));
            for (String id : List.of(lost, stuck, intact)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
                assertThat(api.task(id).path("events").findValuesAsText("state").stream()
                        .filter("SUCCEEDED"::equals)).hasSize(1);
            }
            assertThat(api.task(lost).path("attempt").asInt()).isEqualTo(1);
            assertThat(api.task(intact).path("attempt").asInt()).isEqualTo(1);
            assertThat(api.task(stuck).path("attempt").asInt()).isEqualTo(2);
            // handed to the agent it was claimed for, which is gone: declared dead, the task runs elsewhere
            assertThat(api.task(stuck).path("events").findValuesAsText("message"))
                    .anyMatch(m -> m.startsWith("a control node stopped between claiming it for gone"))
                    .anyMatch(m -> m.startsWith("agent gone stopped sending heartbeats"));
            // and no second queue entry was left behind for any of them
            assertThat(redis.opsForList().size(queue)).isZero();
        }
    }
}

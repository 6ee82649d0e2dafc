package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Redis loses every key while tasks are queued, dispatched, running or finished with their reports not yet
 * stored: every task still ends once, and none that ran runs again. Each task writes its token to a ledger file
 * when it runs, so a second run would show.
 */
class RedisRecoveryTest {

    @Test
    void queuedDispatchedAndRunningTasksSurviveAFlushAndRunOnce(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger");
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("worker", 2, "default", Map.of());
            Api api = cluster.api();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(api.submit(ledgerTask(ledger, "token-" + i, 1)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .filter(id -> api.task(id).path("state").asText().equals("RUNNING")).count() == 2);

            cluster.stores().flushRedis();

            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
                assertStartedAndEndedOnce(api, id);
            }
            assertEachRanOnce(ledger, 6);
        }
    }

    /**
     * The restore marker alone is lost while tasks wait: nothing is queued twice. And ids of tasks that ended, left at
     * the head of a queue (a restore that raced a dispatch), are dropped instead of holding up the tasks behind them,
     * more of them than the dispatcher's window.
     */
    @Test
    void aRestoreQueuesNothingTwiceAndEndedIdsDoNotHoldUpAQueue(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            StringRedisTemplate redis = cluster.controlContext().getBean(StringRedisTemplate.class);
            RedisKeys keys = cluster.controlContext().getBean(RedisKeys.class);
            String queue = keys.queue("default", "normal");
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.hasKey(keys.restored()));
            // no agent yet: the tasks wait in their queue
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(api.submit("{\"command\": [\"true\"]}"));
            }
            redis.delete(keys.restored());
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.hasKey(keys.restored()));
            assertThat(redis.opsForList().range(queue, 0, -1)).containsExactlyInAnyOrderElementsOf(ids);

            for (int i = 0; i < 100; i++) {
                redis.opsForList().leftPush(queue, "ended-" + i);
            }
            cluster.agent("worker", 2, "default", Map.of());
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
            }
            assertThat(redis.opsForList().range(queue, 0, -1)).isEmpty();
        }
    }

    @Test
    void anOutcomeLostWithRedisIsReportedAgainNotRunAgain(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger");
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("worker", 2, "default", Map.of());
            Api first = cluster.api();
            List<String> ids = List.of(first.submit(ledgerTask(ledger, "token-0", 2)), first.submit(ledgerTask(ledger, "token-1", 2)));
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .allMatch(id -> first.task(id).path("state").asText().equals("RUNNING")));

            // no control node while the tasks end: their reports wait in Redis, and are lost with it
            cluster.stop(cluster.controlContext());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ledger) && Files.readAllLines(ledger).size() == 2);
            cluster.stores().flushRedis();
            cluster.control();
            Api api = cluster.api(1);

            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
                assertStartedAndEndedOnce(api, id);
            }
            assertEachRanOnce(ledger, 2);
        }
    }

    @Test
    void aTaskOfAnAgentThatDiedWhileRedisWasAwayRunsElsewhere(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control("--caravan.dispatcher.agent-timeout=2s")) {
            Api api = cluster.api();
            String id = api.submit("{\"command\": [\"true\"], \"labels\": {\"pool\": \"ghost\"}}");
            // the record says an agent runs it; that agent is gone, and Redis lost everything, its heartbeats too
            cluster.controlContext().getBean(JdbcClient.class).sql("UPDATE tasks SET state = 'RUNNING', attempt = 1, "
                    + "agent = 'gone', dispatched_at = created_at, started_at = created_at WHERE id = ?").param(id).update();
            cluster.stores().flushRedis();

            cluster.agent("worker", 1, "default", Map.of("pool", "ghost"));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
            assertThat(api.task(id).path("agent").asText()).isEqualTo("worker");
            assertThat(api.task(id).path("events").findValuesAsText("message"))
                    .anyMatch(m -> m.startsWith("agent gone stopped sending heartbeats"));
        }
    }

    /** A task that sleeps, then appends its token to the ledger. */
    private static String ledgerTask(Path ledger, String token, int seconds) {
        return "{\"shell\": \"sleep " + seconds + "; echo " + token + " >> " + ledger + "\"}";
    }

    /**
     * One start and one outcome in the task's record. A report that came twice (sent again after the restore,
     * though the first one was stored after all) is recorded as ignored. A dispatch whose Redis move found the
     * queue emptied is given back and dispatched again: a higher attempt number, but no second run.
     */
    private static void assertStartedAndEndedOnce(Api api, String id) {
        List<String> changes = new ArrayList<>();
        for (JsonNode event : api.task(id).path("events")) {
            if (!event.path("message").asText().startsWith("ignored")) {
                changes.add(event.path("state").asText());
            }
        }
        assertThat(changes.stream().filter(s -> s.equals("RUNNING") || s.equals("SUCCEEDED")))
                .as(id + " " + changes).containsExactly("RUNNING", "SUCCEEDED");
    }

    private static void assertEachRanOnce(Path ledger, int tasks) throws Exception {
        List<String> lines = Files.readAllLines(ledger);
        assertThat(lines).hasSize(tasks).doesNotHaveDuplicates();
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;
import routes.task.TaskStore;

/**
 * One bad message never stalls a loop: the others go on within seconds, the bad one is tried a bounded number of
 * times and set aside in the quarantine, where operators see it and drop or replay it; the log does not flood.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonMessageTest {

    private Cluster cluster;
    private Api api;
    private TaskStore store;
    private JdbcClient sql;
    private StringRedisTemplate redis;
    private RedisKeys keys;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.quarantine.max-attempts=2");
        api = cluster.api();
        store = cluster.controlContext().getBean(TaskStore.class);
        sql = cluster.controlContext().getBean(JdbcClient.class);
        keys = cluster.controlContext().getBean(RedisKeys.class);
        redis = cluster.stores().redis();
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        cluster.close();
    }

    @Test
    void aMalformedReportAndAnOverflowingOneDoNotHoldUpTheGoodOnes() {
        String before = dispatched("{\"command\": [\"true\"]}");
        String after = dispatched("{\"command\": [\"true\"]}");
        // stored by an older version that let any backoff through: its retry delay used to overflow
        String overflowing = dispatched("{\"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2}}");
        sql.sql("UPDATE tasks SET spec = REPLACE(spec, '\"PT1S\"', '\"PT2399999999999976H\"') WHERE id = ?")
                .param(overflowing).update();
        // a task whose record cannot be read: every report of a failure of it fails to store
        String unreadable = dispatched("{\"command\": [\"false\"]}");
        String spec = sql.sql("SELECT spec FROM tasks WHERE id = ?").param(unreadable).query(String.class).single();
        sql.sql("UPDATE tasks SET spec = '{broken' WHERE id = ?").param(unreadable).update();
        int errorsBefore = errorLines();

        redis.opsForList().rightPushAll(keys.results(), report(before, "SUCCEEDED"), "{\"kind\": \"finished\", oops",
                report(overflowing, "FAILED"), report(unreadable, "FAILED"), report(after, "SUCCEEDED"));

        await().atMost(Duration.ofSeconds(20)).until(() -> state(before).equals("SUCCEEDED")
                && state(after).equals("SUCCEEDED") && state(overflowing).equals("RETRYING"));
        JsonNode retrying = api.task(overflowing);
        assertThat(Instant.parse(retrying.path("retryAt").asText())).isBefore(Instant.now().plus(Duration.ofDays(8)));
        await().atMost(Duration.ofSeconds(20)).until(() -> quarantined("results").size() == 2);
        List<JsonNode> set = quarantined("results");
        JsonNode malformed = set.stream().filter(m -> m.path("message").asText().contains("oops")).findFirst().orElseThrow();
        assertThat(malformed.path("attempts").asInt()).isEqualTo(1);
        assertThat(malformed.path("error").asText()).isNotBlank();
        JsonNode poison = set.stream().filter(m -> m.path("message").asText().contains(unreadable)).findFirst().orElseThrow();
        assertThat(poison.path("attempts").asInt()).isEqualTo(2);
        assertThat(poison.path("where").asText()).isEqualTo("control-0");
        assertThat(poison.path("at").asText()).isNotBlank();
        assertThat(sql.sql("SELECT state FROM tasks WHERE id = ?").param(unreadable).query(String.class).single())
                .isEqualTo("DISPATCHED");
        assertThat(redis.opsForList().size(keys.results())).isZero();
        assertThat(errorLines() - errorsBefore).as("error lines logged").isLessThanOrEqualTo(4);

        // the cause fixed, a replay stores it; a dropped message is gone
        sql.sql("UPDATE tasks SET spec = ? WHERE id = ?").params(spec, unreadable).update();
        assertThat(api.post("/api/quarantine/" + poison.path("id").asText() + "/replay", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(unreadable).equals("FAILED"));
        assertThat(api.delete("/api/quarantine/" + malformed.path("id").asText()).status()).isEqualTo(204);
        assertThat(quarantined("results")).isEmpty();
        Api.Response again = api.delete("/api/quarantine/" + malformed.path("id").asText());
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.text("message")).contains("no quarantined message");
    }

    @Test
    void aBadEntryOnTheTimeWheelIsQuarantinedAndJobsStillFire() {
        redis.opsForZSet().add(keys.wheel(), "not-a-fire", 1);
        String job = api.createJob("{\"name\": \"after-bad-fire\", \"schedule\": {\"every\": \"1s\"},"
                + " \"task\": {\"type\": \"nobody\", \"command\": [\"true\"]}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.runs(job).size() >= 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> quarantined("time-wheel").stream()
                .anyMatch(m -> m.path("message").asText().equals("not-a-fire")));
        api.delete("/api/jobs/" + job);
    }

    @Test
    void aBadReclaimedEntryIsQuarantinedAndTheOthersAreRequeued() {
        String task = dispatched("{\"type\": \"reclaimed\", \"command\": [\"true\"]}");
        redis.opsForList().rightPushAll(keys.handedBack(), "garbage-without-separators",
                "ghost|" + task + ":1|drained");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(task).equals("QUEUED"));
        await().atMost(Duration.ofSeconds(10)).until(() -> quarantined("reclaiming").stream()
                .anyMatch(m -> m.path("message").asText().equals("garbage-without-separators")));
        assertThat(redis.opsForList().size(keys.reclaiming("control-0"))).isZero();
    }

    @Test
    void aRetryThatCannotBeRequeuedIsQuarantinedAndTheOthersRun() {
        String good = dispatched("{\"type\": \"retried\", \"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1ms\"}}");
        String bad = dispatched("{\"type\": \"retried\", \"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1ms\"}}");
        sql.sql("UPDATE tasks SET state = 'RETRYING', retry_at = 1 WHERE id IN (?, ?)").params(good, bad).update();
        sql.sql("UPDATE tasks SET spec = '{broken' WHERE id = ?").param(bad).update();
        redis.opsForZSet().add(keys.retries(), bad, 1);
        redis.opsForZSet().add(keys.retries(), good, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(good).equals("QUEUED"));
        await().atMost(Duration.ofSeconds(10)).until(() -> quarantined("retries").stream()
                .anyMatch(m -> m.path("message").asText().equals(bad)));
    }

    @Test
    void anAgentQuarantinesAnInboxEntryItCannotRunAndRunsTheOthers() {
        cluster.agent("poison-agent", 1, "poison-inbox", Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !api.agent("poison-agent").isMissingNode());
        redis.opsForList().rightPush(keys.inbox("poison-agent"), "garbage");
        String task = api.submit("{\"type\": \"poison-inbox\", \"command\": [\"true\"]}");
        await().atMost(Duration.ofSeconds(20)).until(() -> state(task).equals("SUCCEEDED"));
        await().atMost(Duration.ofSeconds(20)).until(() -> quarantined("agent-inbox").stream()
                .anyMatch(m -> m.path("message").asText().equals("garbage")
                        && m.path("where").asText().equals("poison-agent")));
        assertThat(redis.opsForList().range(keys.inflight("poison-agent"), 0, -1)).doesNotContain("garbage");
        assertThat(redis.opsForList().range(keys.inbox("poison-agent"), 0, -1)).doesNotContain("garbage");
    }

    @Test
    void theQuarantineNeedsTheToken() {
        assertThat(api.send(api.request("/api/quarantine").GET(), null).status()).isEqualTo(401);
    }

    private List<JsonNode> quarantined(String loop) {
        Api.Response response = api.get("/api/quarantine");
        assertThat(response.status()).isEqualTo(200);
        return java.util.stream.StreamSupport.stream(response.body().spliterator(), false)
                .filter(m -> m.path("loop").asText().equals(loop)).toList();
    }

    /** A task claimed for agent "ghost", which does not exist: DISPATCHED in attempt 1, nothing will run it. */
    private String dispatched(String json) {
        String id = api.submit(json.replace("{\"command\"", "{\"type\": \"poison\", \"command\""));
        assertThat(store.claim(id, "ghost")).hasValue(1);
        return id;
    }

    private String report(String id, String outcome) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of("kind", "finished", "taskId", id,
                "attempt", 1, "agent", "ghost", "at", System.currentTimeMillis(), "outcome", outcome,
                "exitCode", outcome.equals("SUCCEEDED") ? 0 : 1)).toString();
    }

    private String state(String id) {
        return api.task(id).path("state").asText();
    }

    private int errorLines() {
        return (int) List.copyOf(log.list).stream().filter(e -> e.getLevel() == Level.ERROR).count();
    }
}

package routes.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import routes.redis.RedisKeys;
import routes.support.Cluster;

/**
 * An agent with no control node to read its reports: what it writes to its reports list, and how many wake-up hints,
 * for a task that ends at once and one that runs for a while.
 */
class StartReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aShortTaskReportsItsStartWithItsOutcomeAndALongOneReportsItsStartAtOnce(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir)) {
            ConfigurableApplicationContext agent = cluster.agent("reporter", 2, "default", Map.of());
            StringRedisTemplate redis = agent.getBean(StringRedisTemplate.class);
            RedisKeys keys = agent.getBean(RedisKeys.class);

            redis.opsForValue().set(keys.task("quick"), spec("\"true\""));
            redis.opsForList().rightPush(keys.inbox("reporter"), "quick:1");
            await().atMost(Duration.ofSeconds(20)).until(() -> redis.opsForList().size(keys.reports("reporter")) == 2);
            List<JsonNode> quick = reports(redis, keys);

            assertThat(quick).as(quick.toString()).extracting(r -> r.path("kind").asText()).containsExactly("started", "finished");
            assertThat(quick).extracting(r -> r.path("taskId").asText()).containsOnly("quick");
            assertThat(quick.get(1).path("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(quick.get(0).path("at").asLong()).isLessThanOrEqualTo(quick.get(1).path("at").asLong());
            // one step for both reports: control is woken once
            assertThat(redis.opsForList().range(keys.reported(), 0, -1)).containsExactly("reporter");

            redis.delete(List.of(keys.reports("reporter"), keys.reported()));
            redis.opsForValue().set(keys.task("slow"), spec("\"sleep\", \"3\""));
            redis.opsForList().rightPush(keys.inbox("reporter"), "slow:1");
            // the start is reported while the task still runs
            await().atMost(Duration.ofSeconds(2)).until(() -> redis.opsForList().size(keys.reports("reporter")) == 1);
            assertThat(reports(redis, keys).get(0).path("kind").asText()).isEqualTo("started");
            await().atMost(Duration.ofSeconds(20)).until(() -> redis.opsForList().size(keys.reports("reporter")) == 2);
            assertThat(reports(redis, keys).get(1).path("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(redis.opsForList().range(keys.reported(), 0, -1)).containsExactly("reporter", "reporter");
        }
    }

    /** A run specification as control writes it to Redis. */
    private static String spec(String command) {
        return "{\"type\": \"default\", \"command\": [" + command + "], \"env\": {}, \"labels\": {},"
                + " \"timeoutSeconds\": 60, \"priority\": \"normal\"}";
    }

    private static List<JsonNode> reports(StringRedisTemplate redis, RedisKeys keys) throws Exception {
        List<String> raw = redis.opsForList().range(keys.reports("reporter"), 0, -1);
        List<JsonNode> parsed = new ArrayList<>();
        for (String report : raw) {
            parsed.add(JSON.readTree(report));
        }
        return parsed;
    }
}

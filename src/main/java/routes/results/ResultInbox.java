package routes.results;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.redis.RedisKeys;

/**
 * Control's end of the results list. A report is moved atomically into this node's ingesting list, stored in
 * SQL, and only then acknowledged (removed); a node that crashes in between takes its list back at start.
 */
@Component
@ControlRole
public class ResultInbox {

    private static final Logger log = LoggerFactory.getLogger(ResultInbox.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final int BATCH = 200;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final String ingesting;

    public ResultInbox(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, ControlProperties control) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.ingesting = keys.resultsIngesting(control.nodeId());
    }

    /** Reports this node took before it stopped and never acknowledged go back to the results list. */
    public int recover() {
        int recovered = 0;
        while (redis.opsForList().move(ingesting, Direction.RIGHT, keys.results(), Direction.LEFT) != null) {
            recovered++;
        }
        if (recovered > 0) {
            log.info("Took back {} unacknowledged reports from {}", recovered, ingesting);
        }
        return recovered;
    }

    /** Waits up to a second for reports, then takes what is there, up to a batch. */
    public List<ReceivedReport> take() {
        List<ReceivedReport> taken = new ArrayList<>();
        String raw = redis.opsForList().move(keys.results(), Direction.LEFT, ingesting, Direction.RIGHT, WAIT);
        while (raw != null) {
            taken.add(parse(raw));
            raw = taken.size() < BATCH
                    ? redis.opsForList().move(keys.results(), Direction.LEFT, ingesting, Direction.RIGHT) : null;
        }
        return taken;
    }

    /** Removes stored reports from this node's ingesting list, in one round trip. */
    public void acknowledge(List<ReceivedReport> stored) {
        redis.executePipelined((RedisCallback<Object>) connection -> {
            byte[] list = ingesting.getBytes(StandardCharsets.UTF_8);
            for (ReceivedReport received : stored) {
                connection.listCommands().lRem(list, 1, received.raw().getBytes(StandardCharsets.UTF_8));
            }
            return null;
        });
    }

    private ReceivedReport parse(String raw) {
        try {
            return new ReceivedReport(raw, json.read(raw, RunReport.class));
        } catch (IllegalArgumentException e) {
            log.error("Dropping an unreadable report from the results list ({}): {}", e.getMessage(), raw);
            return new ReceivedReport(raw, null);
        }
    }
}

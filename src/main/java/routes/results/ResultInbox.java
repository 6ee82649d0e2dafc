package routes.results;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.message.RunReport;
import routes.message.TaskState;
import routes.quarantine.Loop;
import routes.quarantine.Quarantine;
import routes.redis.RedisKeys;

/**
 * Control's end of the results list. A report is moved atomically into this node's ingesting list, stored in
 * SQL, and only then acknowledged (removed); a node that crashes in between takes its list back at start.
 */
@Component
@ControlRole
public class ResultInbox implements SmartInitializingSingleton {

    /**
     * Returns reports that could not be stored to the head of the results list, in their order.
     * KEYS[1] this node's ingesting list, KEYS[2] results list; ARGV the raw reports. Returns how many moved.
     */
    private static final RedisScript<Long> PUT_BACK = RedisScript.of("""
            local moved = 0
            for i = #ARGV, 1, -1 do
              if redis.call('LREM', KEYS[1], 1, ARGV[i]) > 0 then
                redis.call('LPUSH', KEYS[2], ARGV[i])
                moved = moved + 1
              end
            end
            return moved
            """, Long.class);

    /**
     * Sends reports that failed on their own to the end of the results list, behind the others.
     * KEYS[1] this node's ingesting list, KEYS[2] results list; ARGV the raw reports. Returns how many moved.
     */
    private static final RedisScript<Long> TRY_LATER = RedisScript.of("""
            local moved = 0
            for i = 1, #ARGV do
              if redis.call('LREM', KEYS[1], 1, ARGV[i]) > 0 then
                redis.call('RPUSH', KEYS[2], ARGV[i])
                moved = moved + 1
              end
            end
            return moved
            """, Long.class);

    private static final Logger log = LoggerFactory.getLogger(ResultInbox.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final int BATCH = 200;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final String ingesting;
    private final Quarantine quarantine;
    private final Loop loop;

    public ResultInbox(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, ControlProperties control,
                       Quarantine quarantine) {
        this.quarantine = quarantine;
        this.loop = ReportIngest.loop(keys, control);
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.ingesting = keys.resultsIngesting(control.nodeId());
    }

    /** Before ingest starts: reports this node took before it stopped, never acknowledged, go back. */
    @Override
    public void afterSingletonsInstantiated() {
        int recovered = 0;
        while (redis.opsForList().move(ingesting, Direction.RIGHT, keys.results(), Direction.LEFT) != null) {
            recovered++;
        }
        if (recovered > 0) {
            log.info("Took back {} unacknowledged reports from {}", recovered, ingesting);
        }
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

    private static boolean isOutcome(String outcome) {
        return Arrays.stream(TaskState.values()).anyMatch(s -> s.isTerminal() && s.name().equals(outcome));
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

    /** Reports that failed on their own and have tries left go to the end of the results list. */
    public void tryLater(List<ReceivedReport> reports) {
        if (!reports.isEmpty()) {
            redis.execute(TRY_LATER, List.of(ingesting, keys.results()),
                    reports.stream().map(ReceivedReport::raw).toArray(Object[]::new));
        }
    }

    /** Reports whose batch could not be stored (a store is down) go back to the head, to be taken again. */
    public void putBack(List<ReceivedReport> reports) {
        redis.execute(PUT_BACK, List.of(ingesting, keys.results()),
                reports.stream().map(ReceivedReport::raw).toArray(Object[]::new));
    }

    private ReceivedReport parse(String raw) {
        try {
            RunReport report = json.read(raw, RunReport.class);
            if (report.taskId() == null || !(report.isFinished() ? isOutcome(report.outcome())
                    : RunReport.STARTED.equals(report.kind()))) {
                throw new IllegalArgumentException("not a start or an outcome of a task");
            }
            return new ReceivedReport(raw, report);
        } catch (IllegalArgumentException e) {
            // it can never be read: set aside at once (acknowledged with its batch, it leaves the ingesting list)
            quarantine.unreadable(loop, raw, e);
            return new ReceivedReport(raw, null);
        }
    }
}

package routes.results;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.connection.StringRedisConnection;
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
import routes.redis.AgentRegistry;
import routes.redis.RedisConfig;
import routes.redis.RedisKeys;

/**
 * Control's end of the agents' reports. Each agent appends to its own reports list, which only it may write; a
 * report is moved atomically from there into this node's ingesting list as "agent|report", with the agent of the
 * list it came from (the agent the report is taken to be from, whatever its body says), stored in SQL, and only then
 * acknowledged (removed). A node that crashes in between takes its list back at start, into the results list, which
 * holds the reports control must take again and is taken first.
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

    /**
     * Takes up to ARGV[1] reports into this node's ingesting list, in one step: first those control must take again
     * (already "agent|report"), then from each agent's own list, each as "agent|report" with that list's agent. An
     * agent whose list is left empty is dropped from the wake-up list. KEYS[1] results list, KEYS[2] this node's
     * ingesting list, KEYS[3] wake-up list, KEYS[3+i] agent i's reports list; ARGV[1] the most to take, ARGV[1+i]
     * agent i's id. Returns the entries taken, in order.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local max = tonumber(ARGV[1])
            local taken = {}
            local function take(list, agent)
              if #taken >= max then
                return
              end
              local reports = redis.call('LPOP', list, max - #taken)
              if reports then
                for _, report in ipairs(reports) do
                  taken[#taken + 1] = agent and (agent .. '|' .. report) or report
                end
              end
            end
            take(KEYS[1], nil)
            for i = 4, #KEYS do
              take(KEYS[i], ARGV[i - 2])
              if redis.call('LLEN', KEYS[i]) == 0 then
                redis.call('LREM', KEYS[3], 0, ARGV[i - 2])
              end
            end
            if #taken > 0 then
              redis.call('RPUSH', KEYS[2], unpack(taken))
            end
            return taken
            """, List.class);

    private static final Logger log = LoggerFactory.getLogger(ResultInbox.class);
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final int MOST_HINTS = 1000;
    private static final Duration WAIT = RedisConfig.BLOCKING_WAIT;
    private static final int BATCH = 200;
    private static final long QUIET_LOOK_MILLIS = 5000;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final String ingesting;
    private final Quarantine quarantine;
    private final Loop loop;
    private final AgentRegistry registry;
    private long rotation;
    private volatile boolean quiet;
    private volatile long lookAgainAt;

    public ResultInbox(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, ControlProperties control,
                       Quarantine quarantine, AgentRegistry registry) {
        this.registry = registry;
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

    /**
     * Takes what reports there are, up to a batch; when there are none, waits up to a second for an agent to say it
     * reported, and looks again if one did. While no agent says so, only the wait is repeated: the lists are looked
     * at again only every {@value #QUIET_LOOK_MILLIS} ms, for what control must take again (the results list has no
     * hint: reports adopted from a dead node, replayed from the quarantine), and at once after this node put some
     * back.
     */
    public List<ReceivedReport> take() {
        List<String> taken = quiet && System.currentTimeMillis() < lookAgainAt ? List.of() : takeNow();
        if (taken.isEmpty()) {
            if (!quiet) {
                quiet = true;
                lookAgainAt = System.currentTimeMillis() + QUIET_LOOK_MILLIS;
            }
            // a rotation, not a pop: a hint stays until the agent's list is found empty
            String hint = redis.opsForList().move(keys.reported(), Direction.LEFT, keys.reported(), Direction.RIGHT,
                    WAIT);
            if (hint != null) {
                taken = takeNow();
            }
        }
        if (!taken.isEmpty() || System.currentTimeMillis() >= lookAgainAt) {
            quiet = false;
        }
        return taken.stream().map(this::parse).toList();
    }

    @SuppressWarnings("unchecked")
    private List<String> takeNow() {
        List<String> agents = reporting();
        List<String> lists = new ArrayList<>(List.of(keys.results(), ingesting, keys.reported()));
        List<String> args = new ArrayList<>(List.of(Integer.toString(BATCH)));
        for (String agent : agents) {
            lists.add(keys.reports(agent));
            args.add(agent);
        }
        List<String> taken = redis.execute(TAKE, lists, args.toArray());
        return taken == null ? List.of() : taken;
    }

    /**
     * The agents whose reports lists to look at: every agent known (dead ones too: their last reports are taken),
     * and any that said it reported; each time starting with the next one, so that no agent waits behind a busy one.
     */
    @SuppressWarnings("unchecked")
    private List<String> reporting() {
        // the agents and the hints in one round trip
        List<Object> replies = redis.executePipelined((RedisCallback<Object>) c -> {
            StringRedisConnection connection = (StringRedisConnection) c;
            connection.zRange(keys.agents(), 0, -1);
            connection.lRange(keys.reported(), 0, MOST_HINTS - 1);
            return null;
        });
        Set<String> agents = new LinkedHashSet<>((Set<String>) replies.get(0));
        List<String> hints = (List<String>) replies.get(1);
        for (String hint : hints == null ? List.<String>of() : hints) {
            if (AGENT_ID.matcher(hint).matches()) {
                agents.add(hint);
            } else {
                // no agent has such a name: whoever wrote it, it names no list
                redis.opsForList().remove(keys.reported(), 0, hint);
            }
        }
        List<String> order = new ArrayList<>(agents);
        if (!order.isEmpty()) {
            Collections.rotate(order, -(int) (rotation++ % order.size()));
        }
        return order;
    }

    private static boolean isOutcome(String outcome) {
        return Arrays.stream(TaskState.values()).anyMatch(s -> s.isTerminal() && s.name().equals(outcome));
    }

    /**
     * How many reports wait to be stored: in every agent's reports list and in the list of those to take again (not
     * those a control node is storing now), counted in one round trip.
     */
    public long backlog() {
        List<String> lists = new ArrayList<>(List.of(keys.results()));
        registry.ids().forEach(agent -> lists.add(keys.reports(agent)));
        List<Object> sizes = redis.executePipelined((RedisCallback<Object>) c -> {
            lists.forEach(((StringRedisConnection) c)::lLen);
            return null;
        });
        return sizes.stream().mapToLong(n -> n == null ? 0 : (Long) n).sum();
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
            quiet = false;
            redis.execute(TRY_LATER, List.of(ingesting, keys.results()),
                    reports.stream().map(ReceivedReport::raw).toArray(Object[]::new));
        }
    }

    /** Reports whose batch could not be stored (a store is down) go back to the head, to be taken again. */
    public void putBack(List<ReceivedReport> reports) {
        quiet = false;
        redis.execute(PUT_BACK, List.of(ingesting, keys.results()),
                reports.stream().map(ReceivedReport::raw).toArray(Object[]::new));
    }

    /**
     * A report as control took it: "agent|report" (the agent whose list it came from), or a report alone, in the
     * results list since before agents had lists of their own (the agent its body names).
     */
    private ReceivedReport parse(String raw) {
        try {
            int bar = raw.startsWith("{") ? -1 : raw.indexOf('|');
            if (!raw.startsWith("{") && bar < 1) {
                throw new IllegalArgumentException("neither agent|report nor a report");
            }
            RunReport report = json.read(raw.substring(bar + 1), RunReport.class);
            if (bar > 0) {
                report = report.from(raw.substring(0, bar));
            }
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

package routes.agent;

import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.config.JsonCodec;
import routes.redis.RedisKeys;
import routes.results.RunReport;

/** The agent's reports to control, through the results list in Redis. */
@Component
@AgentRole
public class RunReports {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final AgentProperties agent;

    public RunReports(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, AgentProperties agent) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.agent = agent;
    }

    public void started(Run run) {
        send(RunReport.started(run.taskId(), run.attempt(), agent.id(), System.currentTimeMillis()));
    }

    /**
     * Reports an outcome and frees the slot in one step. KEYS[1] results list, KEYS[2] in-flight list;
     * ARGV[1] report JSON, ARGV[2] in-flight entry, ARGV[3] wake channel, ARGV[4] agent id.
     */
    private static final RedisScript<Long> REPORT_AND_RELEASE = RedisScript.of("""
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LREM', KEYS[2], 1, ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """, Long.class);

    /**
     * Reports the outcome and, atomically with it, frees the slot; the dispatcher is woken because a slot is
     * free.
     */
    public void finished(TaskExecResult result) {
        redis.execute(REPORT_AND_RELEASE, List.of(keys.results(), keys.inflight(agent.id())),
                json.write(result.report(agent.id())), result.run().entry(), keys.wakeChannel(), agent.id());
    }

    private void send(RunReport report) {
        redis.opsForList().rightPush(keys.results(), json.write(report));
    }
}

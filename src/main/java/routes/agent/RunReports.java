package routes.agent;

import org.springframework.data.redis.core.StringRedisTemplate;
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
    private final AgentInbox inbox;

    public RunReports(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, AgentProperties agent,
                      AgentInbox inbox) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.agent = agent;
        this.inbox = inbox;
    }

    public void started(Run run) {
        send(RunReport.started(run.taskId(), run.attempt(), agent.id(), System.currentTimeMillis()));
    }

    /**
     * Reports the outcome, then frees the slot: the report is in Redis before the in-flight entry goes, and
     * the dispatcher is woken because a slot is free.
     */
    public void finished(TaskExecResult result) {
        Run run = result.run();
        send(result.report(agent.id()));
        inbox.release(run.entry());
        redis.convertAndSend(keys.wakeChannel(), agent.id());
    }

    private void send(RunReport report) {
        redis.opsForList().rightPush(keys.results(), json.write(report));
    }
}

package routes.redis;

import org.springframework.stereotype.Component;
import routes.config.RedisProperties;

/**
 * Every Redis key and channel Caravan uses, in one place. Keys share the hash tag {@code {prefix}} so the
 * Lua scripts that touch several of them stay valid on Redis Cluster.
 */
@Component
public class RedisKeys {

    private static final String AGENT_CONNECTION = "caravan-agent:";

    private final String tag;
    private final String prefix;

    public RedisKeys(RedisProperties properties) {
        this.prefix = properties.prefix();
        this.tag = "{" + prefix + "}";
    }

    /** List of task ids waiting for an agent, per task type and priority ("urgent" or "normal"). */
    public String queue(String type, String priority) {
        return tag + ":queue:" + type + ":" + priority;
    }

    /** Set of task types that have had a queue. */
    public String types() {
        return tag + ":types";
    }

    /** String: the run specification (JSON) of a task that is queued or dispatched. */
    public String task(String taskId) {
        return tag + ":task:" + taskId;
    }

    /**
     * The name each of an agent's Redis connections carries (CLIENT SETNAME): control finds a crashed agent by its
     * connections being gone, so the name carries the installation's tag, or installations sharing one Redis would
     * see each other's agents of the same id as alive.
     */
    public String agentConnectionName(String agentId) {
        return AGENT_CONNECTION + tag + ":" + agentId;
    }

    /** The agent id in a connection name of this installation's agents; null for any other connection. */
    public String agentOfConnection(String connectionName) {
        String start = AGENT_CONNECTION + tag + ":";
        return connectionName != null && connectionName.startsWith(start) ? connectionName.substring(start.length()) : null;
    }

    /** List of "taskId:attempt" entries dispatched to an agent and not yet claimed by it. */
    public String inbox(String agentId) {
        return tag + ":inbox:" + agentId;
    }

    /** List of "taskId:attempt" entries an agent has claimed and not yet reported. */
    public String inflight(String agentId) {
        return tag + ":inflight:" + agentId;
    }

    /** Sorted set: worker id scored by its last heartbeat (epoch ms); a worker leaves it once silent with no lease. */
    public String workers() {
        return tag + ":workers";
    }

    /** String: a worker's registration (JSON: id, types, labels, capacity); expires when the worker is silent. */
    public String worker(String workerId) {
        return tag + ":worker:" + workerId;
    }

    /**
     * Sorted set: a worker's leases, "taskId:attempt" (the lease id) scored by when the lease expires (epoch ms, Redis
     * time). Its size is what the worker holds.
     */
    public String leases(String workerId) {
        return tag + ":leases:" + workerId;
    }

    /** Sorted set: agent id scored by its last heartbeat (epoch ms), or 0 once it has been declared dead. */
    public String agents() {
        return tag + ":agents";
    }

    /** String: an agent's last status (JSON). */
    public String agent(String agentId) {
        return tag + ":agent:" + agentId;
    }

    /** Sorted set: control node id scored by its last heartbeat (ms); a dead one's pending work is adopted. */
    public String controls() {
        return tag + ":controls";
    }

    /**
     * List of reports (JSON) one agent sends to control. Only that agent writes it (its Redis user may only append
     * here), so a report taken from it is that agent's, whatever its body says.
     */
    public String reports(String agentId) {
        return tag + ":reports:" + agentId;
    }

    /** List of agent ids: "this agent appended a report", to wake control's results loop. A hint, never trusted. */
    public String reported() {
        return tag + ":reported";
    }

    /**
     * List of reports control took from agents and must take again (put back, tried later, adopted from a dead
     * control node, replayed from the quarantine), each "agent|report JSON" with the agent from the list it came
     * from. Written by control only.
     */
    public String results() {
        return tag + ":results";
    }

    /** List of reports a control node has taken and not yet stored. */
    public String resultsIngesting(String nodeId) {
        return tag + ":results:ingesting:" + nodeId;
    }

    /** List of "agent|taskId:attempt|why" entries a control node took back from agents and has not yet re-queued. */
    public String reclaiming(String nodeId) {
        return tag + ":reclaiming:" + nodeId;
    }

    /**
     * List of "agent|taskId:attempt|why" entries for any control node to re-queue: what agents handed back, and what
     * a dead control node had taken back. Written by control only.
     */
    public String handedBack() {
        return tag + ":handed-back";
    }

    /** List of "taskId:attempt" entries one draining agent handed back; only that agent writes it. */
    public String drained(String agentId) {
        return tag + ":drained:" + agentId;
    }

    /** String: the control node doing a reconciling pass now; expires by itself. */
    public String reconciling() {
        return tag + ":reconciling";
    }

    /**
     * String: the control node pruning old history now (retention.yaml, RetentionLease), so that one node at a time
     * does; renewed before each batch, released after the pass, expires by itself.
     */
    public String pruning() {
        return tag + ":pruning";
    }

    /**
     * String: the control node checking the alert rules (alerts.yaml, AlertLease), so that one node at a time does;
     * renewed at every check, expires by itself when that node stops.
     */
    public String alerting() {
        return tag + ":alerting";
    }

    /** List: the newest task event id when each of the last two reconciling passes began, newest first. */
    public String reconcileMarks() {
        return tag + ":reconcile:marks";
    }

    /** Set: "taskId|state|attempt" of tasks the last reconciling pass found out of step with their queue. */
    public String reconcileSuspects() {
        return tag + ":reconcile:suspects";
    }

    /** Hash: "project/version" → registered version (JSON), for agents to install. Rebuilt from SQL when lost. */
    public String codeVersions() {
        return tag + ":code";
    }

    /** Set: ids of the agents an operator asked to drain. Rebuilt from SQL when lost. */
    public String drains() {
        return tag + ":drains";
    }

    /**
     * String: present while Redis holds what SQL says it should (set by the control node that restored it); its
     * absence means Redis restarted empty or was flushed.
     */
    public String restored() {
        return tag + ":restored";
    }

    /** Sorted set: ids of tasks waiting for a retry, scored by when it is due. Rebuilt from SQL when lost. */
    public String retries() {
        return tag + ":retries";
    }

    /** Sorted set: planned job fires "jobId@epochMillis", scored by their time. Rebuilt from SQL when lost. */
    public String wheel() {
        return tag + ":wheel";
    }

    /** String: present while the time wheel holds every planned fire; its absence means Redis lost it. */
    public String wheelBuilt() {
        return tag + ":wheel:built";
    }

    /** Hash: id → a message a loop could not process (JSON), set aside for operators (/api/quarantine). */
    public String quarantine() {
        return tag + ":quarantine";
    }

    /**
     * Hash: id → an inbox entry one agent could not run (JSON), set aside for operators; only that agent writes it,
     * and a replay goes into that agent's inbox, whatever the entry says.
     */
    public String agentQuarantine(String agentId) {
        return tag + ":quarantine:agent:" + agentId;
    }

    /** String: how often a loop failed on one message (id as in the quarantine); expires by itself. */
    public String poisonAttempts(String messageId) {
        return tag + ":poison:" + messageId;
    }

    /**
     * Hash: the live output of a running task, written by its agent while someone watches: "attempt", "stdout" and
     * "stderr" (the last bytes of each, capped), "stdoutFrom" and "stderrFrom" (the offset of their first byte).
     * Deleted when the run ends; expires by itself.
     */
    public String output(String taskId) {
        return tag + ":output:" + taskId;
    }

    /** String: present while someone reads a running task's output (GET /api/tasks/{id}/output); expires by itself. */
    public String outputWatched(String taskId) {
        return tag + ":output:watched:" + taskId;
    }

    /** String: how often one agent failed on one of its inbox entries; only that agent writes it. */
    public String agentPoisonAttempts(String agentId, String messageId) {
        return tag + ":poison:agent:" + agentId + ":" + messageId;
    }

    /** Pub/sub channel: "there may be work to dispatch". Also named in dispatcher.yaml. */
    public String wakeChannel() {
        return prefix + ":wake";
    }

    /** Pub/sub channel: ids of tasks to kill. Also named in agent-runner.yaml. */
    public String cancelChannel() {
        return prefix + ":cancel";
    }
}

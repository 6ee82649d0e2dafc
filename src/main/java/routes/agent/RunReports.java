package routes.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.config.JsonCodec;
import routes.logs.LogContext;
import routes.message.InboxEntry;
import routes.message.RunReport;
import routes.message.TaskState;
import routes.redis.RedisKeys;

/**
 * The agent's reports to control, through its own reports list in Redis. It also knows which attempts run here now
 * and remembers the latest outcomes, so an attempt delivered again (control restored Redis from SQL after Redis
 * lost its keys) is neither run twice nor left without its report.
 * <p>
 * A start is reported {@value #START_HOLD_MILLIS} ms after it happened, unless the attempt ended sooner: then the
 * start goes with the outcome, in the same step, and control stores both with one update. Most tasks of a busy queue
 * are that short, and this halves their reports.
 */
@Component
@AgentRole
public class RunReports implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunReports.class);
    private static final int REMEMBERED_OUTCOMES = 10_000;
    static final long START_HOLD_MILLIS = 50;

    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Map<String, String> outcomes = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_OUTCOMES;
        }
    });

    /** Starts not reported yet, by inbox entry. */
    private final Map<String, RunReport> heldStarts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService startReports = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "start-reports");
        thread.setDaemon(true);
        return thread;
    });

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

    /**
     * Drops one of two in-flight entries for the same attempt, keeping one. KEYS[1] in-flight list; ARGV[1] the
     * entry. Returns how many there were. (A restore over a Redis that had not lost the first one delivers twice.)
     */
    private static final RedisScript<Long> KEEP_ONE = RedisScript.of("""
            local count = 0
            for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
              if entry == ARGV[1] then
                count = count + 1
              end
            end
            if count > 1 then
              redis.call('LREM', KEYS[1], 1, ARGV[1])
            end
            return count
            """, Long.class);

    /**
     * Whether a claimed entry is to be run: false when this attempt runs here already (the entry then stands for
     * that run), or ran here, and its outcome is reported again now (its first report may have been lost with
     * Redis).
     */
    public boolean firstDelivery(String entry) {
        String outcome = outcomes.get(entry);
        if (outcome != null) {
            log.warn("{} was delivered again after it ended here: its outcome is reported again", entry);
            release("", outcome, entry);
            return false;
        }
        if (!running.add(entry)) {
            log.warn("{} was delivered again while it runs here: not started twice", entry);
            redis.execute(KEEP_ONE, List.of(keys.inflight(agent.id())), entry);
            return false;
        }
        return true;
    }

    /** Whether this attempt runs here now, or ran here (among the last outcomes remembered). */
    public boolean knows(String entry) {
        return running.contains(entry) || outcomes.containsKey(entry);
    }

    /** How many attempts run here now. */
    public int runningCount() {
        return running.size();
    }

    /** A claimed entry that will not run (it was cancelled before it started). */
    public void notRun(String entry) {
        running.remove(entry);
    }

    /** The attempt started: reported {@value #START_HOLD_MILLIS} ms from now, or with its outcome if that is sooner. */
    public void started(Run run) {
        String entry = run.entry();
        heldStarts.put(entry, RunReport.started(run.taskId(), run.attempt(), agent.id(), System.currentTimeMillis()));
        startReports.schedule(() -> sendStart(entry), START_HOLD_MILLIS, TimeUnit.MILLISECONDS);
        log.info("Started task {} (attempt {})", run.taskId(), run.attempt());
    }

    private void sendStart(String entry) {
        RunReport start = heldStarts.remove(entry);
        if (start != null) {
            redis.opsForList().rightPush(keys.reports(agent.id()), json.write(start));
            wakeControl();
        }
    }

    /** Starts still held are reported before the agent's Redis connection closes. */
    @Override
    public void destroy() throws InterruptedException {
        startReports.shutdown();
        startReports.awaitTermination(1, TimeUnit.SECONDS);
    }

    /**
     * Reports an outcome and frees the slot in one step. KEYS[1] this agent's reports list, KEYS[2] its in-flight
     * list; ARGV[1] report JSON, ARGV[2] in-flight entry, ARGV[3] wake channel, ARGV[4] agent id, ARGV[5] the
     * attempt's start report when it was not sent yet ("" otherwise), put before the outcome. (Only the agent's own
     * keys: its Redis user may touch no other key from a script.)
     */
    private static final RedisScript<Long> REPORT_AND_RELEASE = RedisScript.of("""
            if ARGV[5] ~= '' then
              redis.call('RPUSH', KEYS[1], ARGV[5])
            end
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
        String entry = result.run().entry();
        RunReport report = result.report(agent.id());
        String outcome = json.write(report);
        outcomes.put(entry, outcome);
        RunReport start = heldStarts.remove(entry);
        release(start == null ? "" : json.write(start), outcome, entry);
        running.remove(entry);
        log.info("Task {} (attempt {}) ended {}{}", report.taskId(), report.attempt(), report.outcome(),
                report.exitCode() == null ? "" : " with exit code " + report.exitCode());
    }

    /**
     * Before the agent takes work: tasks still in its in-flight list were running when it stopped (a crash
     * or a stop that outlasted the shutdown timeout). Their outcome is unknown: each is reported FAILED with
     * the reason, and its slot is freed.
     */
    @Override
    public void afterSingletonsInstantiated() {
        List<String> abandoned = redis.opsForList().range(keys.inflight(agent.id()), 0, -1);
        for (String entry : abandoned == null ? List.<String>of() : abandoned) {
            InboxEntry run = InboxEntry.parse(entry);
            RunReport failed = new RunReport(RunReport.FINISHED, run.taskId(), run.attempt(), agent.id(),
                    System.currentTimeMillis(), TaskState.FAILED.name(), null, "", "", false, false,
                    "agent " + agent.id() + " stopped while this ran; its process was killed or left orphaned");
            reportAndRelease(failed, entry);
            try (LogContext about = LogContext.task(run.taskId(), run.attempt(), agent.id())) {
                log.warn("Task {} (attempt {}) was running when this agent stopped: reported FAILED", run.taskId(),
                        run.attempt());
            }
        }
    }

    private void reportAndRelease(RunReport outcome, String entry) {
        release("", json.write(outcome), entry);
    }

    private void release(String start, String outcome, String entry) {
        redis.execute(REPORT_AND_RELEASE, List.of(keys.reports(agent.id()), keys.inflight(agent.id())),
                outcome, entry, keys.wakeChannel(), agent.id(), start);
        wakeControl();
    }

    /**
     * Tells control's results loop that a report waits (a hint: should it be lost, the loop finds the report
     * within a second anyway).
     */
    private void wakeControl() {
        redis.opsForList().rightPush(keys.reported(), agent.id());
    }
}

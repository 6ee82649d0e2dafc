package routes.logs;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The task, attempt, agent and job a stretch of work is about, in the logging context (SLF4J's MDC) of the thread
 * doing it: every line logged meanwhile carries them as {@code caravan.task}, {@code caravan.attempt},
 * {@code caravan.agent} and {@code caravan.job} (JSON logs show them; the default text lines do not). Open one with
 * try-with-resources around the work: it sets all four (removing those it does not know, so nothing of an earlier
 * task shows) and on close puts back what was there before, so nothing leaks to the next work on a pooled thread.
 */
public final class LogContext implements AutoCloseable {

    public static final String TASK = "caravan.task";
    public static final String ATTEMPT = "caravan.attempt";
    public static final String AGENT = "caravan.agent";
    public static final String JOB = "caravan.job";
    private static final String[] KEYS = {TASK, ATTEMPT, AGENT, JOB};

    private final Map<String, String> before = new HashMap<>();

    private LogContext(String task, Integer attempt, String agent, String job) {
        for (String key : KEYS) {
            before.put(key, MDC.get(key));
        }
        put(TASK, task);
        put(ATTEMPT, attempt == null ? null : attempt.toString());
        put(AGENT, agent);
        put(JOB, job);
    }

    /** Work on one attempt of a task (null before its first dispatch); agent null while it has none. */
    public static LogContext task(String taskId, Integer attempt, String agent) {
        return new LogContext(taskId, attempt, agent, null);
    }

    /** Work on a task a job made (job null for one it did not). */
    public static LogContext task(String taskId, Integer attempt, String agent, String job) {
        return new LogContext(taskId, attempt, agent, job);
    }

    /** Work on a job's fire. */
    public static LogContext job(String jobId) {
        return new LogContext(null, null, null, jobId);
    }

    /** The job of the work under way on this thread, or null. */
    public static String currentJob() {
        return MDC.get(JOB);
    }

    /** Puts back what was there before. */
    @Override
    public void close() {
        before.forEach(LogContext::put);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}

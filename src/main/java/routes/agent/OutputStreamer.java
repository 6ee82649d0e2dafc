package routes.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.redis.LiveOutput;

/**
 * Pushes the output of running commands to Redis as they write it, for GET /api/tasks/{id}/output: every
 * {@code caravan.agent.live-output-flush}, for each run with new output that someone watches (asked of Redis at most
 * once a second per run), one script call appends both streams, each kept to its last
 * {@code caravan.agent.live-output-cap} bytes. Output nobody watches stays in the run's bounded buffer and costs no
 * Redis call; a run that prints nothing costs none at all, and while nothing runs the pushes do not run either. The live key goes when the run ends (and expires anyway).
 */
@Component
@AgentRole
public class OutputStreamer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OutputStreamer.class);
    private static final long WATCH_CHECK_MILLIS = 1000;
    /** The live key outlives a stuck agent by this much at most. */
    private static final Duration EXPIRY = Duration.ofMinutes(10);

    private final LiveOutput live;
    private final AgentProperties agent;
    private final Map<String, LiveCapture> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "caravan-live-output");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> flushing;

    public OutputStreamer(LiveOutput live, AgentProperties agent) {
        this.live = live;
        this.agent = agent;
    }

    /** A run starts: its output is captured for live reading from now on. */
    public LiveCapture open(String taskId, int attempt) {
        LiveCapture capture = new LiveCapture(taskId, attempt, (int) agent.liveOutputCap().toBytes());
        running.put(taskId, capture);
        synchronized (this) {
            if (flushing == null) {
                long every = agent.liveOutputFlush().toMillis();
                flushing = flusher.scheduleWithFixedDelay(this::flushAll, every, every, TimeUnit.MILLISECONDS);
            }
        }
        return capture;
    }

    /** The run ended: its live output goes (the recorded output takes over). */
    public void close(LiveCapture capture) {
        running.remove(capture.taskId, capture);
        synchronized (this) {
            // pushes run only while something runs: an idle agent's flusher sleeps
            if (running.isEmpty() && flushing != null) {
                flushing.cancel(false);
                flushing = null;
            }
        }
        // after a push in progress, so that no push comes after the delete
        synchronized (capture) {
            capture.closed = true;
            if (capture.pushed) {
                try {
                    live.delete(capture.taskId);
                } catch (RuntimeException e) {
                    log.debug("Could not delete the live output of {} (it expires by itself): {}", capture.taskId,
                            e.toString());
                }
            }
        }
    }

    private void flushAll() {
        long now = System.currentTimeMillis();
        for (LiveCapture capture : running.values()) {
            try {
                flush(capture, now);
            } catch (RuntimeException e) {
                log.debug("Could not push the live output of {}: {}", capture.taskId, e.toString());
            }
        }
    }

    private void flush(LiveCapture capture, long now) {
        if (!capture.hasPending()) {
            return;
        }
        synchronized (capture) {
            if (!capture.closed) {
                push(capture, now);
            }
        }
    }

    private void push(LiveCapture capture, long now) {
        if (now - capture.watchCheckedAt >= WATCH_CHECK_MILLIS) {
            capture.watched = live.watched(capture.taskId);
            capture.watchCheckedAt = now;
        }
        if (!capture.watched) {
            return;
        }
        LiveCapture.Taken out = capture.stdoutStream().take();
        LiveCapture.Taken err = capture.stderrStream().take();
        live.append(capture.taskId, new LiveOutput.Chunk(capture.attempt, !capture.pushed, out.text(), out.from(),
                err.text(), err.from()), agent.liveOutputCap().toBytes(), EXPIRY);
        capture.pushed = true;
    }

    @Override
    public void destroy() {
        flusher.shutdownNow();
    }
}

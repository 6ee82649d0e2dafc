package routes.quarantine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.QuarantineProperties;

/**
 * Error logs of loops, rate-limited: a failure that repeats (the same loop, the same kind of error) is written
 * once per interval with how often it happened meanwhile, so a loop that fails a thousand times a second does
 * not flood the log.
 */
@Component
public class LoopErrorLog {

    private static final Logger log = LoggerFactory.getLogger(LoopErrorLog.class);

    private final long intervalMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LoopErrorLog(QuarantineProperties properties) {
        this.intervalMillis = properties.errorLogInterval().toMillis();
    }

    private static final class Window {
        long openedAt;
        long suppressed;
    }

    /** Logs {@code text} for {@code loop}, unless the same failure was logged less than an interval ago. */
    public void error(String loop, Throwable failure, String text) {
        log(loop, loop + "|" + rootCause(failure).getClass().getName(), text);
    }

    /** Logs that {@code loop} set a message aside; a burst of them is rate-limited as one failure. */
    void quarantined(String loop, String text) {
        log(loop, loop + "|quarantined", text);
    }

    private void log(String loop, String kind, String text) {
        long now = System.currentTimeMillis();
        Window window = windows.computeIfAbsent(kind, k -> new Window());
        long suppressed;
        synchronized (window) {
            if (window.openedAt != 0 && now - window.openedAt < intervalMillis) {
                window.suppressed++;
                return;
            }
            suppressed = window.suppressed;
            window.openedAt = now;
            window.suppressed = 0;
        }
        log.error("{}: {}{}", loop, text, suppressed == 0 ? ""
                : " (" + suppressed + " more like it in the last " + intervalMillis / 1000 + " s were not logged)");
    }

    /** The failure in words: the first message in its chain that is not a wrapper's (Camel's, reflection's). */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            boolean wrapper = t.getClass().getName().startsWith("org.apache.camel.")
                    || t instanceof java.lang.reflect.InvocationTargetException;
            if (!wrapper && t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return rootCause(failure).getClass().getSimpleName();
    }

    static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}

package routes.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Slows password guessing: after {@link #PER_NAME} failed logins for one name from one address, or {@link #PER_ADDRESS}
 * from one address for any names, within {@link #WINDOW}, logins from there are refused (429) until the window has
 * passed. Kept per control node, in memory.
 */
@Component
@ControlRole
public class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(5);
    static final int PER_NAME = 5;
    static final int PER_ADDRESS = 20;
    private static final int TRACKED_MAX = 100_000;

    private record Failures(int count, long since) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** Seconds to wait before trying again, or 0 when a login may be tried now. */
    public long waitSeconds(String name, String address) {
        long now = clock.millis();
        return Math.max(wait(name + "\n" + address, PER_NAME, now), wait(address, PER_ADDRESS, now));
    }

    public void failed(String name, String address) {
        long now = clock.millis();
        if (failures.size() > TRACKED_MAX) {
            failures.values().removeIf(entry -> now - entry.since() >= WINDOW.toMillis());
        }
        count(name + "\n" + address, now);
        count(address, now);
    }

    public void succeeded(String name, String address) {
        failures.remove(name + "\n" + address);
    }

    private void count(String key, long now) {
        failures.merge(key, new Failures(1, now), (old, one) ->
                now - old.since() >= WINDOW.toMillis() ? one : new Failures(old.count() + 1, old.since()));
    }

    private long wait(String key, int allowed, long now) {
        Failures entry = failures.get(key);
        if (entry == null || entry.count() < allowed || now - entry.since() >= WINDOW.toMillis()) {
            return 0;
        }
        return Math.max(1, (entry.since() + WINDOW.toMillis() - now + 999) / 1000);
    }
}

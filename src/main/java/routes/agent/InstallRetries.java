package routes.agent;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import routes.message.InstallFailure;
import routes.message.RegisteredVersion;
import routes.config.AgentProperties;
import routes.config.AgentRole;

/**
 * The code installs that failed on this agent, and when each is tried again: after
 * {@code caravan.agent.install-retry-backoff}, doubling with each failure in a row up to
 * {@code install-retry-max-backoff}, so a broken archive costs a download an hour, not a minute. The heartbeat
 * reports them, so {@code GET /api/versions} shows why an agent lacks a version and when it tries again.
 */
@Component
@AgentRole
public class InstallRetries {

    /** A failure, and the registration it was for: a version registered again with another archive starts afresh. */
    private record Failed(RegisteredVersion registration, InstallFailure failure) {
    }

    private final Duration backoff;
    private final Duration maxBackoff;
    private final Map<String, Failed> failed = new ConcurrentHashMap<>();

    public InstallRetries(AgentProperties agent) {
        this.backoff = agent.installRetryBackoff();
        this.maxBackoff = agent.installRetryMaxBackoff();
    }

    /** Whether the version may be installed now: it never failed, or its wait is over. */
    public boolean due(RegisteredVersion version, long now) {
        Failed last = failed.get(version.code().toString());
        return last == null || !last.registration().equals(version) || now >= last.failure().nextRetryAt();
    }

    /** Records one more failure in a row; returns it, with when to try again. */
    public InstallFailure failed(RegisteredVersion version, String error, long now) {
        Failed updated = failed.compute(version.code().toString(), (key, last) -> {
            int attempts = last == null || !last.registration().equals(version) ? 1 : last.failure().attempts() + 1;
            return new Failed(version, new InstallFailure(version.project(), version.version(), error, attempts, now,
                    now + wait(attempts)));
        });
        return updated.failure();
    }

    public void succeeded(RegisteredVersion version) {
        failed.remove(version.code().toString());
    }

    /** Forgets failures of versions no longer wanted here: removed from the catalogue, or put in place by hand. */
    public void keepOnly(Set<String> wanted) {
        failed.keySet().retainAll(wanted);
    }

    /** The failures as the heartbeat reports them, by project and version. */
    public List<InstallFailure> current() {
        return failed.values().stream().map(Failed::failure)
                .sorted(Comparator.comparing(InstallFailure::project).thenComparing(InstallFailure::version))
                .toList();
    }

    /** The backoff doubled per failure after the first, capped; shifting stops before it could overflow. */
    private long wait(int attempts) {
        long base = backoff.toMillis();
        long max = maxBackoff.toMillis();
        int doublings = Math.min(attempts - 1, 62);
        return base > max >> doublings ? max : base << doublings;
    }
}

package routes.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Completion callbacks: where a task that names a {@code callback} url may send its final view, and how
 * (callbacks.yaml). Callbacks are on only with a secret and at least one allowed url; otherwise a task that names one
 * is refused at submit.
 *
 * @param secret      the key every callback is signed with (HMAC-SHA256); blank: callbacks are off
 * @param allowedUrls the urls a callback may name ({@link AllowedUrl}); empty: callbacks are off
 * @param attempts    how often a callback is tried before it is given up
 * @param backoff     the wait after the first failed attempt; it doubles after each further one (with jitter)
 * @param maxBackoff  the longest wait between two attempts
 * @param timeout     the longest one attempt may take, connecting and answering
 * @param checkMillis the longest a control node waits before it looks for due callbacks (it looks at once when a task
 *                    that names one ended here, and when one that failed here is due again)
 */
@ConfigurationProperties("caravan.callbacks")
public record CallbackProperties(String secret, List<String> allowedUrls, int attempts, Duration backoff,
                                 Duration maxBackoff, Duration timeout, long checkMillis) {

    /** The shortest secret taken: a short key is guessed from signed requests. */
    public static final int SHORTEST_SECRET = 16;

    public CallbackProperties {
        secret = secret == null ? "" : secret.strip();
        if (!secret.isEmpty() && secret.length() < SHORTEST_SECRET) {
            throw new IllegalArgumentException("caravan.callbacks.secret must be at least " + SHORTEST_SECRET
                    + " characters (or empty: callbacks off), got " + secret.length());
        }
        allowedUrls = allowedUrls == null ? List.of() : List.copyOf(allowedUrls);
        for (String url : allowedUrls) {
            AllowedUrl.parse(url);
        }
        if (attempts < 1 || attempts > 100) {
            throw new IllegalArgumentException("caravan.callbacks.attempts must be 1-100, got " + attempts);
        }
        positive("backoff", backoff);
        positive("max-backoff", maxBackoff);
        positive("timeout", timeout);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("caravan.callbacks.max-backoff must not be shorter than"
                    + " caravan.callbacks.backoff, got " + maxBackoff + " and " + backoff);
        }
        if (checkMillis < 10) {
            throw new IllegalArgumentException("caravan.callbacks.check-millis must be at least 10, got " + checkMillis);
        }
    }

    /** Without the secret, which must reach no log. */
    @Override
    public String toString() {
        return "CallbackProperties[secret=" + (secret.isEmpty() ? "" : "(set)") + ", allowedUrls=" + allowedUrls
                + ", attempts=" + attempts + ", backoff=" + backoff + ", maxBackoff=" + maxBackoff + ", timeout="
                + timeout + ", checkMillis=" + checkMillis + "]";
    }

    /** The allow-list, parsed. */
    public List<AllowedUrl> allowed() {
        return allowedUrls.stream().map(AllowedUrl::parse).toList();
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("caravan.callbacks." + name + " must be a positive duration such as 5s,"
                    + " got " + value);
        }
    }
}

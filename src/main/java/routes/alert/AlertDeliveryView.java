package routes.alert;

import java.time.Instant;
import java.util.List;

/**
 * A notice's delivery to one channel, as GET /api/alerts/{id}/deliveries shows it.
 *
 * @param state         PENDING (to be attempted, again or for the first time), DELIVERED or FAILED
 * @param nextAttemptAt when a PENDING delivery is due; null once it has ended
 * @param lastError     why the last attempt failed; for a FAILED delivery, why it was given up
 * @param attempts      every attempt made, oldest first
 */
public record AlertDeliveryView(long id, long noticeId, String channel, String state, Instant nextAttemptAt,
                                String lastError, Instant createdAt, Instant endedAt, List<Attempt> attempts) {

    /** One attempt: when, how long it took, DELIVERED or FAILED, and why it failed. */
    public record Attempt(int attempt, Instant at, long tookMillis, String outcome, String error) {
    }
}

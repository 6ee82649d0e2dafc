package routes.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.AlertDeliveryProperties;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.config.Wakeups;
import routes.webhook.ClaimedOutbox;

/**
 * The deliveries of alert notices (alert_deliveries) and their attempts (alert_delivery_attempts): one delivery per
 * (notice, channel), PENDING until it is DELIVERED or, after its last attempt, FAILED. A failed attempt makes the
 * delivery due again after a backoff that doubles with each failure. One node at a time attempts a due delivery
 * ({@link ClaimedOutbox}).
 */
@Component
@ControlRole
public class AlertDeliveryStore {

    private static final int MAX_ERROR = 1000;

    private final JdbcClient sql;
    private final JsonCodec json;
    private final AlertDeliveryProperties delivery;
    private final ClaimedOutbox outbox;
    private final Clock clock = Clock.systemUTC();

    public AlertDeliveryStore(JdbcClient sql, JsonCodec json, AlertDeliveryProperties delivery, ControlProperties control,
                              Wakeups wakeups) {
        this.sql = sql;
        this.json = json;
        this.delivery = delivery;
        this.outbox = new ClaimedOutbox(sql, "alert_deliveries", control.nodeId(), wakeups.create());
    }

    /**
     * Waits until deliveries may be due again: one that failed on this node is due again, the last look found a full
     * page, or {@code caravan.alerts.delivery.check-millis} passed (what other nodes left). New deliveries need no
     * wait: they are attempted as they are recorded.
     */
    public void awaitDue() throws InterruptedException {
        outbox.awaitDue(delivery.checkMillis());
    }

    /**
     * Records a PENDING delivery of the notice to each channel it names, due now; a channel it was recorded for
     * already (the notice was handed over twice) gets no second one. Returns how many were recorded.
     */
    @Transactional
    public int record(AlertNotice notice) {
        String body = json.write(notice);
        long now = clock.millis();
        int recorded = 0;
        for (String named : new LinkedHashSet<>(notice.channels() == null ? List.<String>of() : notice.channels())) {
            // a name no channel can have is still recorded (and fails as unknown), cut to the column's width
            String channel = named.length() > 64 ? named.substring(0, 64) : named;
            try {
                recorded += sql.sql("INSERT INTO alert_deliveries (notice_id, channel, notice, state, attempts,"
                                + " next_attempt_at, claimed_until, created_at) VALUES (?, ?, ?, ?, 0, ?, 0, ?)")
                        .params(notice.id(), channel, body, ClaimedOutbox.PENDING, now, now)
                        .update();
            } catch (DuplicateKeyException recordedBefore) {
                // delivered, or being delivered, already
            }
        }
        return recorded;
    }

    /** The ids of deliveries due now and taken by no node, most overdue first. */
    public List<Long> due(int limit) {
        return outbox.due(clock.millis(), limit);
    }

    /**
     * Takes a due delivery for this node, for as long as an attempt may take; null when it is not due (any more):
     * another node took it, or it ended.
     */
    @Transactional
    public AlertAttempt claim(long id) {
        long now = clock.millis();
        if (!outbox.claim(id, now, lease())) {
            return null;
        }
        return sql.sql("SELECT id, channel, attempts, notice FROM alert_deliveries WHERE id = ?").param(id)
                .query((rs, n) -> new AlertAttempt(rs.getLong("id"), rs.getString("channel"), rs.getInt("attempts") + 1,
                        json.read(rs.getString("notice"), AlertNotice.class), rs.getString("notice"), now))
                .single();
    }

    /** The attempt got through: the delivery is DELIVERED. */
    @Transactional
    public void delivered(AlertAttempt attempt) {
        long now = clock.millis();
        recordAttempt(attempt, now, ClaimedOutbox.DELIVERED, null);
        outbox.end(attempt.deliveryId(), ClaimedOutbox.DELIVERED, attempt.attempt(), now);
        lastError(attempt, null);
    }

    /**
     * The attempt failed: the delivery is due again after its backoff, or, after its last attempt or a failure no
     * attempt can cure, FAILED with the reason in words.
     */
    @Transactional
    public void failed(AlertAttempt attempt, Exception failure) {
        long now = clock.millis();
        String reason = DeliveryFailed.reason(failure);
        recordAttempt(attempt, now, ClaimedOutbox.FAILED, reason);
        if (DeliveryFailed.isPermanent(failure) || attempt.attempt() >= delivery.attempts()) {
            String why = DeliveryFailed.isPermanent(failure) ? reason
                    : "gave up after " + attempt.attempt() + (attempt.attempt() == 1 ? " attempt: " : " attempts: ") + reason;
            outbox.end(attempt.deliveryId(), ClaimedOutbox.FAILED, attempt.attempt(), now);
            lastError(attempt, why);
        } else {
            outbox.retryAt(attempt.deliveryId(), attempt.attempt(), now + delivery.backoffAfter(attempt.attempt()).toMillis());
            lastError(attempt, reason);
        }
    }

    /**
     * The deliveries of a notice, by channel, each with its attempts: both read from one snapshot, so a delivery shows
     * every attempt that brought it to its state (a DELIVERED one, the attempt that delivered it).
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Map<String, Object> deliveries(long noticeId) {
        Map<Long, List<AlertDeliveryView.Attempt>> attempts = sql.sql("SELECT a.delivery_id, a.attempt, a.at, a.took_ms,"
                        + " a.outcome, a.error FROM alert_delivery_attempts a JOIN alert_deliveries d ON d.id = a.delivery_id"
                        + " WHERE d.notice_id = ? ORDER BY a.delivery_id, a.attempt")
                .param(noticeId)
                .query((rs, n) -> Map.entry(rs.getLong("delivery_id"), new AlertDeliveryView.Attempt(rs.getInt("attempt"),
                        Instant.ofEpochMilli(rs.getLong("at")), rs.getLong("took_ms"), rs.getString("outcome"),
                        rs.getString("error"))))
                .list().stream()
                .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        List<AlertDeliveryView> views = sql.sql("SELECT id, notice_id, channel, state, next_attempt_at, last_error,"
                        + " created_at, ended_at FROM alert_deliveries WHERE notice_id = ? ORDER BY channel")
                .param(noticeId)
                .query((rs, n) -> view(rs, attempts.getOrDefault(rs.getLong("id"), List.of())))
                .list();
        return Map.of("deliveries", views);
    }

    /** How long a node holds a delivery it took: an email may wait on connecting, writing and reading. */
    private long lease() {
        return 4 * delivery.timeout().toMillis() + 10_000;
    }

    private void lastError(AlertAttempt attempt, String error) {
        sql.sql("UPDATE alert_deliveries SET last_error = ? WHERE id = ?").params(clip(error), attempt.deliveryId()).update();
    }

    private void recordAttempt(AlertAttempt attempt, long now, String outcome, String error) {
        sql.sql("INSERT INTO alert_delivery_attempts (delivery_id, attempt, at, took_ms, outcome, error)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(attempt.deliveryId(), attempt.attempt(), attempt.startedAt(), now - attempt.startedAt(), outcome,
                        clip(error))
                .update();
    }

    private static AlertDeliveryView view(ResultSet rs, List<AlertDeliveryView.Attempt> attempts) throws SQLException {
        String state = rs.getString("state");
        long endedAt = rs.getLong("ended_at");
        return new AlertDeliveryView(rs.getLong("id"), rs.getLong("notice_id"), rs.getString("channel"), state,
                ClaimedOutbox.PENDING.equals(state) ? Instant.ofEpochMilli(rs.getLong("next_attempt_at")) : null,
                rs.getString("last_error"), Instant.ofEpochMilli(rs.getLong("created_at")),
                endedAt == 0 ? null : Instant.ofEpochMilli(endedAt), attempts);
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 1) + "…";
    }
}

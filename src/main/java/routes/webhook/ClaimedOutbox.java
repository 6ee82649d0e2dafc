package routes.webhook;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.config.Wakeup;

/**
 * A table of things to send to receivers outside Caravan (alert deliveries, task callbacks), each PENDING until
 * DELIVERED or, after its last attempt, FAILED. One is due from its {@code next_attempt_at}; a control node takes it
 * with a conditional UPDATE ({@code claimed_by}, {@code claimed_until}) for as long as an attempt may take, so one
 * node sends it, and when that node dies the claim runs out and another takes it. The table's owner (its store) makes
 * one for its table, in its own transactions, and keeps the columns only it has. The loop that sends them waits
 * while none can be due on this node's knowledge ({@link #awaitDue}).
 */
public final class ClaimedOutbox {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    private final JdbcClient sql;
    private final String table;
    private final String nodeId;
    private final Wakeup wakeup;

    public ClaimedOutbox(JdbcClient sql, String table, String nodeId, Wakeup wakeup) {
        this.sql = sql;
        this.table = table;
        this.nodeId = nodeId;
        this.wakeup = wakeup;
    }

    /**
     * Waits until entries may be due: one was recorded on this node ({@link #recorded}), one that failed here is due
     * again, the last look found a full page, or {@code checkMillis} passed (what other nodes recorded, or took and
     * did not finish).
     */
    public void awaitDue(long checkMillis) throws InterruptedException {
        wakeup.await(checkMillis);
    }

    /** An entry was recorded on this node (call after its commit): the loop looks at once. */
    public void recorded() {
        wakeup.now();
    }

    /** The ids of the entries due at {@code now} and taken by no node, most overdue first. */
    public List<Long> due(long now, int limit) {
        List<Long> due = sql.sql("SELECT id FROM " + table + " WHERE state = ? AND next_attempt_at <= ?"
                        + " AND claimed_until < ? ORDER BY next_attempt_at, id LIMIT ?")
                .params(PENDING, now, now, limit).query(Long.class).list();
        if (due.size() == limit) {
            wakeup.now();
        }
        return due;
    }

    /** Takes a due entry for this node until {@code now + leaseMillis}; false when another node took it, or it ended. */
    public boolean claim(long id, long now, long leaseMillis) {
        return sql.sql("UPDATE " + table + " SET claimed_by = ?, claimed_until = ? WHERE id = ? AND state = ?"
                        + " AND next_attempt_at <= ? AND claimed_until < ?")
                .params(nodeId, now + leaseMillis, id, PENDING, now, now)
                .update() > 0;
    }

    /** After {@code attempts} failed attempts, the entry is due again at {@code at}, claimed by no node. */
    public void retryAt(long id, int attempts, long at) {
        sql.sql("UPDATE " + table + " SET attempts = ?, claimed_until = 0, next_attempt_at = ? WHERE id = ?")
                .params(attempts, at, id).update();
        wakeup.at(at);
    }

    /** The entry ended {@link #DELIVERED} or {@link #FAILED} at {@code now}, after {@code attempts} attempts. */
    public void end(long id, String state, int attempts, long now) {
        sql.sql("UPDATE " + table + " SET state = ?, attempts = ?, claimed_until = 0, ended_at = ? WHERE id = ?")
                .params(state, attempts, now, id).update();
    }
}

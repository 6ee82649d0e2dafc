package routes.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.NotFound;

/**
 * Incidents and their notices in SQL (alert_incidents, alert_notices): what a check of a rule found becomes, in one
 * transaction, incidents opened, fired and resolved, and a notice for each firing and each resolution, within the
 * rule's rate limit. Notices are handed to delivery after they are committed, and marked so ({@link #handed}).
 */
@Component
@ControlRole
public class AlertStore {

    private static final String NOTICE_COLUMNS = "id, incident_id, rule, kind, subject, state, summary, started_at, "
            + "resolved_at, at, channels";
    private static final long MINUTE = 60_000;

    private final JdbcClient sql;
    private final JsonCodec json;
    private final Clock clock = Clock.systemUTC();

    public AlertStore(JdbcClient sql, JsonCodec json) {
        this.sql = sql;
        this.json = json;
    }

    private record Incident(long id, String subject, String state, String summary, long startedAt, boolean notified) {
    }

    /**
     * Brings the rule's incidents in step with what holds now ({@code holding}, by subject): a subject newly found
     * opens an incident, FIRING at once, or PENDING while it has held for less than {@code holdFor} ms; an incident
     * whose subject is no longer found resolves (a PENDING one is dropped). Each FIRING is a notice while fewer than
     * {@code perMinute} notices of the rule were made in the last minute, else it is held back, and so is its
     * resolution; a resolution of a firing that was sent is always sent. Returns how many notices were held back.
     */
    @Transactional
    public int record(AlertRule rule, Map<String, Finding> holding, long holdFor, int perMinute, long now) {
        Map<String, Incident> open = new HashMap<>();
        sql.sql("SELECT id, subject, state, summary, started_at, notified FROM alert_incidents "
                        + "WHERE rule_id = ? AND open_subject IS NOT NULL")
                .param(rule.id())
                .query((rs, n) -> new Incident(rs.getLong("id"), rs.getString("subject"), rs.getString("state"),
                        rs.getString("summary"), rs.getLong("started_at"), rs.getBoolean("notified")))
                .list().forEach(incident -> open.put(incident.subject(), incident));
        long sent = sql.sql("SELECT COUNT(*) FROM alert_notices WHERE rule = ? AND at > ?")
                .params(rule.spec().name(), now - MINUTE).query(Long.class).single();
        int[] budget = {(int) Math.max(0, perMinute - sent)};
        int heldBack = 0;
        for (Finding finding : holding.values()) {
            Incident incident = open.get(finding.subject());
            if (incident == null) {
                boolean firing = holdFor <= 0;
                long started = firing ? Math.min(finding.since(), now) : now;
                long id = open(rule, finding, firing ? "FIRING" : "PENDING", started);
                if (firing) {
                    heldBack += fire(rule, id, finding.subject(), finding.summary(), started, budget, now);
                }
            } else if (incident.state().equals("PENDING") && now - incident.startedAt() >= holdFor) {
                sql.sql("UPDATE alert_incidents SET state = 'FIRING', summary = ? WHERE id = ?")
                        .params(finding.summary(), incident.id()).update();
                heldBack += fire(rule, incident.id(), incident.subject(), finding.summary(), incident.startedAt(), budget, now);
            }
        }
        for (Incident incident : open.values()) {
            if (holding.containsKey(incident.subject())) {
                continue;
            }
            if (incident.state().equals("PENDING")) {
                sql.sql("DELETE FROM alert_incidents WHERE id = ?").param(incident.id()).update();
                continue;
            }
            sql.sql("UPDATE alert_incidents SET state = 'RESOLVED', open_subject = NULL, resolved_at = ? WHERE id = ?")
                    .params(now, incident.id()).update();
            if (incident.notified()) {
                notice(rule, incident.id(), incident.subject(), "RESOLVED", "resolved: " + incident.summary(),
                        incident.startedAt(), now, now);
            }
        }
        return heldBack;
    }

    /**
     * Ends, without a notice, the open incidents of every rule not in {@code checked}: rules disabled or deleted
     * since.
     */
    @Transactional
    public void endUnchecked(Collection<Long> checked, long now) {
        String notIn = checked.isEmpty() ? "" : " AND rule_id NOT IN (" + String.join(", ", checked.stream()
                .map(id -> "?").toList()) + ")";
        List<Object> params = new ArrayList<>(checked);
        sql.sql("DELETE FROM alert_incidents WHERE open_subject IS NOT NULL AND state = 'PENDING'" + notIn)
                .params(params).update();
        params.add(0, now);
        sql.sql("UPDATE alert_incidents SET state = 'RESOLVED', open_subject = NULL, resolved_at = ? "
                + "WHERE open_subject IS NOT NULL" + notIn).params(params).update();
    }

    /** Notices not handed to delivery yet, oldest first: those just made, and any a stopped node left. */
    public List<AlertNotice> unhanded() {
        return sql.sql("SELECT " + NOTICE_COLUMNS + " FROM alert_notices WHERE handed_at IS NULL ORDER BY id LIMIT 100")
                .query(this::notice).list();
    }

    public void handed(long noticeId) {
        sql.sql("UPDATE alert_notices SET handed_at = ? WHERE id = ?").params(clock.millis(), noticeId).update();
    }

    public AlertNotice get(String id) {
        NotFound missing = new NotFound("no alert with id " + id);
        return sql.sql("SELECT " + NOTICE_COLUMNS + " FROM alert_notices WHERE id = ?").param(id(id, missing))
                .query(this::notice).optional().orElseThrow(() -> missing);
    }

    /** An id of a path ("/api/alerts/{id}"): a whole number, else there is no such thing. */
    static long id(String text, NotFound missing) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw missing;
        }
    }

    /** Notices, newest first. */
    public Map<String, Object> list(AlertNoticeFilter filter) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        narrow(where, params, "rule", filter.rule());
        narrow(where, params, "state", filter.state());
        narrow(where, params, "subject", filter.subject());
        long total = sql.sql("SELECT COUNT(*) FROM alert_notices" + where).params(params).query(Long.class).single();
        List<Object> paged = new ArrayList<>(params);
        paged.add(filter.page().limit());
        paged.add(filter.page().offset());
        List<AlertNotice> notices = sql.sql("SELECT " + NOTICE_COLUMNS + " FROM alert_notices" + where
                        + " ORDER BY id DESC LIMIT ? OFFSET ?")
                .params(paged).query(this::notice).list();
        return filter.page().body("alerts", notices, total);
    }

    private static void narrow(StringBuilder where, List<Object> params, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    private long open(AlertRule rule, Finding finding, String state, long startedAt) {
        sql.sql("INSERT INTO alert_incidents (rule_id, subject, open_subject, state, summary, started_at, notified) "
                        + "VALUES (?, ?, ?, ?, ?, ?, FALSE)")
                .params(rule.id(), finding.subject(), finding.subject(), state, clip(finding.summary()), startedAt).update();
        return sql.sql("SELECT id FROM alert_incidents WHERE rule_id = ? AND open_subject = ?")
                .params(rule.id(), finding.subject()).query(Long.class).single();
    }

    /** A FIRING notice, if the budget allows: 0; else 1, held back. */
    private int fire(AlertRule rule, long incidentId, String subject, String summary, long startedAt, int[] budget,
                     long now) {
        if (budget[0] <= 0) {
            return 1;
        }
        budget[0]--;
        sql.sql("UPDATE alert_incidents SET notified = TRUE WHERE id = ?").param(incidentId).update();
        notice(rule, incidentId, subject, "FIRING", summary, startedAt, null, now);
        return 0;
    }

    private void notice(AlertRule rule, long incidentId, String subject, String state, String summary, long startedAt,
                        Long resolvedAt, long now) {
        sql.sql("INSERT INTO alert_notices (incident_id, rule, kind, subject, state, summary, started_at, resolved_at, "
                        + "at, channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(incidentId, rule.spec().name(), rule.spec().kind().word(), subject, state, clip(summary),
                        startedAt, resolvedAt, now, json.write(rule.spec().channels()))
                .update();
    }

    private static String clip(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 999) + "…";
    }

    private AlertNotice notice(ResultSet rs, int n) throws SQLException {
        long resolved = rs.getLong("resolved_at");
        Instant resolvedAt = rs.wasNull() ? null : Instant.ofEpochMilli(resolved);
        return new AlertNotice(rs.getLong("id"), rs.getLong("incident_id"), rs.getString("rule"), rs.getString("kind"),
                rs.getString("subject"), rs.getString("state"), rs.getString("summary"),
                Instant.ofEpochMilli(rs.getLong("started_at")), resolvedAt, Instant.ofEpochMilli(rs.getLong("at")),
                List.of(json.read(rs.getString("channels"), String[].class)));
    }
}

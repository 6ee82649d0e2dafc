package routes.access;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.Page;

/**
 * The audit table: every change made through the API, by whom, from where, and how it ended. Entries past
 * caravan.retention.audit are deleted by retention.yaml.
 */
@Component
@ControlRole
public class AuditLog {

    /** What to list: each null field is no condition. Times in epoch ms, {@code from} inclusive, {@code to} not. */
    public record Filter(String actor, String action, String target, Long from, Long to) {
    }

    private final JdbcClient sql;
    private final Clock clock = Clock.systemUTC();

    public AuditLog(JdbcClient sql) {
        this.sql = sql;
    }

    public void record(String actor, String via, String address, String action, String target, int status,
                       String outcome) {
        sql.sql("INSERT INTO audit (at, actor, via, address, action, target, status, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(clock.millis(), cut(actor, 64), via, cut(address, 64), cut(action, 64), cut(target, 200), status,
                        cut(outcome, 500))
                .update();
    }

    /** Entries matching the filter, newest first, and how many match. */
    public Map<String, Object> list(Filter filter, Page page) {
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        condition(where, params, "actor = :actor", "actor", filter.actor());
        condition(where, params, "action = :action", "action", filter.action());
        condition(where, params, "target = :target", "target", filter.target());
        condition(where, params, "at >= :from", "from", filter.from());
        condition(where, params, "at < :to", "to", filter.to());
        String clause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        long total = sql.sql("SELECT COUNT(*) FROM audit" + clause).paramSource(params).query(Long.class).single();
        params.put("limit", page.limit());
        params.put("offset", page.offset());
        List<AuditEntry> entries = sql.sql("SELECT id, at, actor, via, address, action, target, status, outcome FROM audit"
                        + clause + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
                .paramSource(params)
                .query((rs, n) -> new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9)))
                .list();
        return page.body("entries", entries, total);
    }

    private static void condition(List<String> where, Map<String, Object> params, String clause, String name, Object value) {
        if (value != null) {
            where.add(clause);
            params.put(name, value);
        }
    }

    private static String cut(String value, int max) {
        String text = value == null ? "" : value;
        return text.length() <= max ? text : text.substring(0, max);
    }
}

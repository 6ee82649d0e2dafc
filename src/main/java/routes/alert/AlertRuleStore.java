package routes.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.Conflict;
import routes.domain.NotFound;
import routes.domain.Page;

/**
 * Alert rules in SQL (alert_rules): those made through the API, and those of caravan.alerts.rules, which each control
 * node writes at start ({@link #keepConfigured}) and which the API does not change.
 */
@Component
@ControlRole
public class AlertRuleStore {

    private static final Logger log = LoggerFactory.getLogger(AlertRuleStore.class);
    private static final String COLUMNS = "id, name, kind, type, job, priority, per_task, after_ms, quiet_ms, channels, "
            + "enabled, defined_in, suppressed, created_at, updated_at";

    private final JdbcClient sql;
    private final JsonCodec json;
    private final Clock clock = Clock.systemUTC();

    public AlertRuleStore(JdbcClient sql, JsonCodec json) {
        this.sql = sql;
        this.json = json;
    }

    @Transactional
    public AlertRuleView create(AlertRuleSpec spec) {
        try {
            insert(spec, AlertRule.API);
        } catch (DuplicateKeyException taken) {
            throw new Conflict("an alert rule named " + spec.name() + " exists already");
        }
        return AlertRuleView.of(byName(spec.name()).orElseThrow());
    }

    @Transactional
    public AlertRuleView replace(String ruleId, AlertRuleSpec spec) {
        long id = changeable(ruleId).id();
        try {
            update(id, spec, AlertRule.API);
        } catch (DuplicateKeyException taken) {
            throw new Conflict("an alert rule named " + spec.name() + " exists already");
        }
        return AlertRuleView.of(rule(Long.toString(id)));
    }

    /** Enables or disables the rule; a disabled rule's open incidents end at the next check, without a notice. */
    @Transactional
    public AlertRuleView enable(String ruleId, boolean enabled) {
        long id = changeable(ruleId).id();
        sql.sql("UPDATE alert_rules SET enabled = ?, updated_at = ? WHERE id = ?").params(enabled, clock.millis(), id)
                .update();
        return AlertRuleView.of(rule(Long.toString(id)));
    }

    /** Deletes the rule; its open incidents end at the next check, without a notice, and its notices stay listed. */
    @Transactional
    public void delete(String ruleId) {
        long id = changeable(ruleId).id();
        sql.sql("DELETE FROM alert_rules WHERE id = ?").param(id).update();
    }

    public AlertRuleView get(String id) {
        return AlertRuleView.of(rule(id));
    }

    public Map<String, Object> list(Page page) {
        long total = sql.sql("SELECT COUNT(*) FROM alert_rules").query(Long.class).single();
        List<AlertRuleView> rules = sql.sql("SELECT " + COLUMNS + " FROM alert_rules ORDER BY name LIMIT ? OFFSET ?")
                .params(page.limit(), page.offset()).query(this::row).list().stream().map(AlertRuleView::of).toList();
        return page.body("rules", rules, total);
    }

    /** The rules to check, by id. */
    public List<AlertRule> enabled() {
        return sql.sql("SELECT " + COLUMNS + " FROM alert_rules WHERE enabled = TRUE ORDER BY id").query(this::row).list();
    }

    /** Counts notices the rule's rate limit held back. */
    public void suppressed(long id, int count) {
        sql.sql("UPDATE alert_rules SET suppressed = suppressed + ? WHERE id = ?").params(count, id).update();
    }

    /**
     * Makes the rules of caravan.alerts.rules those of the database defined in the configuration: each is added, or
     * changed where its definition differs (a rule of the same name made through the API becomes this one), and a
     * config rule no longer configured is deleted.
     */
    @Transactional
    public void keepConfigured(List<AlertRuleSpec> configured) {
        for (AlertRuleSpec spec : configured) {
            Optional<AlertRule> stored = byName(spec.name());
            if (stored.isEmpty()) {
                insert(spec, AlertRule.CONFIGURATION);
            } else if (!stored.get().spec().equals(spec) || !stored.get().definedIn().equals(AlertRule.CONFIGURATION)) {
                if (stored.get().definedIn().equals(AlertRule.API)) {
                    log.warn("Alert rule {} made through the API is replaced by the one of caravan.alerts.rules",
                            spec.name());
                }
                update(stored.get().id(), spec, AlertRule.CONFIGURATION);
            }
        }
        Set<String> names = configured.stream().map(AlertRuleSpec::name).collect(Collectors.toSet());
        sql.sql("SELECT " + COLUMNS + " FROM alert_rules WHERE defined_in = ?").param(AlertRule.CONFIGURATION)
                .query(this::row).list().stream().filter(rule -> !names.contains(rule.spec().name()))
                .forEach(gone -> sql.sql("DELETE FROM alert_rules WHERE id = ?").param(gone.id()).update());
    }

    private void insert(AlertRuleSpec spec, String definedIn) {
        long now = clock.millis();
        sql.sql("INSERT INTO alert_rules (name, kind, type, job, priority, per_task, after_ms, quiet_ms, channels, enabled, "
                        + "defined_in, suppressed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")
                .params(spec.name(), spec.kind().word(), spec.type(), spec.job(), spec.priority(), spec.perTask(),
                        millis(spec.after()), millis(spec.quiet()), json.write(spec.channels()), spec.enabled(), definedIn, now, now)
                .update();
    }

    private void update(long id, AlertRuleSpec spec, String definedIn) {
        sql.sql("UPDATE alert_rules SET name = ?, kind = ?, type = ?, job = ?, priority = ?, per_task = ?, after_ms = ?, "
                        + "quiet_ms = ?, channels = ?, enabled = ?, defined_in = ?, updated_at = ? WHERE id = ?")
                .params(spec.name(), spec.kind().word(), spec.type(), spec.job(), spec.priority(), spec.perTask(),
                        millis(spec.after()), millis(spec.quiet()), json.write(spec.channels()), spec.enabled(), definedIn,
                        clock.millis(), id)
                .update();
    }

    /** The rule, when the API may change it: made through the API, not configured. */
    private AlertRule changeable(String id) {
        AlertRule rule = rule(id);
        if (rule.definedIn().equals(AlertRule.CONFIGURATION)) {
            throw new Conflict("alert rule " + rule.spec().name() + " is defined in caravan.alerts.rules; change it there");
        }
        return rule;
    }

    private AlertRule rule(String id) {
        NotFound missing = new NotFound("no alert rule with id " + id);
        return sql.sql("SELECT " + COLUMNS + " FROM alert_rules WHERE id = ?").param(AlertStore.id(id, missing))
                .query(this::row).optional().orElseThrow(() -> missing);
    }

    private Optional<AlertRule> byName(String name) {
        return sql.sql("SELECT " + COLUMNS + " FROM alert_rules WHERE name = ?").param(name).query(this::row).optional();
    }

    private AlertRule row(ResultSet rs, int n) throws SQLException {
        AlertRuleSpec spec = new AlertRuleSpec(rs.getString("name"), AlertKind.of(rs.getString("kind")),
                rs.getString("type"), rs.getString("job"), rs.getString("priority"), rs.getBoolean("per_task"),
                duration(rs, "after_ms"), duration(rs, "quiet_ms"), List.of(json.read(rs.getString("channels"), String[].class)),
                rs.getBoolean("enabled"));
        return new AlertRule(rs.getLong("id"), spec, rs.getString("defined_in"), rs.getLong("suppressed"),
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static Duration duration(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Duration.ofMillis(millis);
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }
}

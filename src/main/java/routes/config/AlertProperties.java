package routes.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The alerts Caravan raises itself (alerts.yaml; docs/operations.md, "Alerts"). caravan.alerts.channels and
 * caravan.alerts.delivery belong to the delivery of notices and are read elsewhere.
 *
 * @param checkMillis          how often the rules are checked, on one control node at a time
 * @param maxNoticesPerMinute  most notices one rule sends in any minute; incidents beyond it are recorded but their
 *                             notices are held back (counted in the rule's {@code suppressed})
 * @param quiet                an event-like incident (task-exhausted, job-missed) resolves once no such event happened
 *                             for this long, unless its rule gives its own {@code quiet}
 * @param rules                rules defined here: kept in the database at start, changed only here
 */
@ConfigurationProperties("caravan.alerts")
public record AlertProperties(long checkMillis, int maxNoticesPerMinute, Duration quiet, List<Rule> rules) {

    /**
     * One rule of caravan.alerts.rules, with the fields of POST /api/alert-rules (checked as those are, at start).
     * Unset: no type, job or priority (any), perTask false, enabled true, no channel.
     */
    public record Rule(String name, String kind, String type, String job, String priority, boolean perTask,
                       Duration after, Duration quiet, List<String> channels, Boolean enabled) {
    }

    public AlertProperties {
        if (checkMillis < 100) {
            throw new IllegalArgumentException("caravan.alerts.check-millis must be at least 100, got " + checkMillis);
        }
        if (maxNoticesPerMinute < 1) {
            throw new IllegalArgumentException("caravan.alerts.max-notices-per-minute must be at least 1, got "
                    + maxNoticesPerMinute);
        }
        if (quiet == null || quiet.toMillis() < 1000) {
            throw new IllegalArgumentException("caravan.alerts.quiet must be a duration of at least 1s, got " + quiet);
        }
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}

package routes.alert;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.AlertProperties;
import routes.config.ControlRole;

/**
 * One check of every enabled rule (alerts.yaml, on the node holding the alert lease): what holds now, turned into
 * incidents and notices. A rule whose check fails is logged and checked again next time; the others go on.
 */
@Component
@ControlRole
public class AlertWatch {

    private static final Logger log = LoggerFactory.getLogger(AlertWatch.class);

    private final AlertRuleStore rules;
    private final AlertStore incidents;
    private final AlertConditions conditions;
    private final int perMinute;
    private final Clock clock = Clock.systemUTC();

    public AlertWatch(AlertRuleStore rules, AlertStore incidents, AlertConditions conditions, AlertProperties alerts) {
        this.rules = rules;
        this.incidents = incidents;
        this.conditions = conditions;
        this.perMinute = alerts.maxNoticesPerMinute();
    }

    public void check() {
        long now = clock.millis();
        List<AlertRule> enabled = rules.enabled();
        incidents.endUnchecked(enabled.stream().map(AlertRule::id).toList(), now);
        for (AlertRule rule : enabled) {
            try {
                Map<String, Finding> holding = conditions.holding(rule, now);
                if (holding != null) {
                    int heldBack = incidents.record(rule, holding, holdFor(rule.spec()), perMinute, now);
                    if (heldBack > 0) {
                        rules.suppressed(rule.id(), heldBack);
                        log.warn("Alert rule {} made more than {} notices in a minute: {} held back (GET /api/alerts"
                                + "?rule={} lists those sent)", rule.spec().name(), perMinute, heldBack, rule.spec().name());
                    }
                }
            } catch (RuntimeException e) {
                log.error("Could not check alert rule {}: {}", rule.spec().name(), e.getMessage(), e);
            }
        }
    }

    /** How long a condition must hold before its incident fires: an overloaded agent's {@code after}; else at once. */
    private static long holdFor(AlertRuleSpec spec) {
        return spec.kind() == AlertKind.AGENT_OVERLOADED ? spec.after().toMillis() : 0;
    }
}

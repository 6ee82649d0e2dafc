package routes.alert;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import routes.config.AlertProperties;
import routes.config.ControlRole;

/**
 * The rules of caravan.alerts.rules, checked as the API checks a rule when the node starts (a bad one stops the
 * start, naming it), and written to the database by the first pass of alerts.yaml.
 */
@Component
@ControlRole
public class ConfiguredAlertRules {

    private final List<AlertRuleSpec> rules = new ArrayList<>();
    private final AlertRuleStore store;

    public ConfiguredAlertRules(AlertProperties alerts, AlertRuleStore store) {
        this.store = store;
        for (int i = 0; i < alerts.rules().size(); i++) {
            AlertProperties.Rule rule = alerts.rules().get(i);
            try {
                rules.add(new AlertRuleSpec(rule.name(), rule.kind() == null ? null : AlertKind.of(rule.kind()),
                        rule.type(), rule.job(), rule.priority(), rule.perTask(), rule.after(), rule.quiet(),
                        rule.channels(), rule.enabled() == null || rule.enabled()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("caravan.alerts.rules[" + i + "]: " + e.getMessage(), e);
            }
        }
    }

    public void keep() {
        store.keepConfigured(rules);
    }
}

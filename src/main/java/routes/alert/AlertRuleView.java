package routes.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A rule as the API shows it: its definition (durations as ISO-8601, "PT10M"), where it comes from, what it held back. */
public record AlertRuleView(long id, String name, String kind,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String type,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String job,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String priority,
                           boolean perTask,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String after,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String quiet,
                           List<String> channels, boolean enabled, String definedIn, long suppressed,
                           Instant createdAt, Instant updatedAt) {

    static AlertRuleView of(AlertRule rule) {
        AlertRuleSpec s = rule.spec();
        return new AlertRuleView(rule.id(), s.name(), s.kind().word(), s.type(), s.job(), s.priority(), s.perTask(),
                text(s.after()), text(s.quiet()), s.channels(), s.enabled(), rule.definedIn(), rule.suppressed(),
                Instant.ofEpochMilli(rule.createdAt()), Instant.ofEpochMilli(rule.updatedAt()));
    }

    private static String text(Duration duration) {
        return duration == null ? null : duration.toString();
    }
}

package routes.alert;

/**
 * A rule as stored.
 *
 * @param definedIn  "api" or "configuration" (caravan.alerts.rules: changed only there)
 * @param suppressed how many notices its rate limit held back since it was made
 * @param updatedAt  when it was made, changed or enabled (epoch ms): a job-silent rule counts from here when the
 *                   job has no success yet
 */
public record AlertRule(long id, AlertRuleSpec spec, String definedIn, long suppressed, long createdAt, long updatedAt) {

    public static final String API = "api";
    public static final String CONFIGURATION = "configuration";
}

package routes.alert;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule as defined, through the API or in caravan.alerts.rules; checked here, so both are checked alike. A refusal
 * is an {@link IllegalArgumentException} whose message names the field (as the API spells it) and what to fix.
 *
 * @param name     unique
 * @param kind     what it watches
 * @param type     task-exhausted, queue-age: only tasks of this type (null: any)
 * @param job      task-exhausted, job-missed: only this job's (null: any); job-silent: the job that must run
 * @param priority queue-age: only this priority's queues, urgent or normal (null: both)
 * @param perTask  task-exhausted: one incident per task, instead of one per job (rule with a job) or per type
 * @param after    job-silent: no successful run within this; agent-overloaded: overloaded for longer than this;
 *                 queue-age: oldest task older than this
 * @param quiet    task-exhausted, job-missed: an incident resolves once no such event happened for this long
 *                 (null: caravan.alerts.quiet)
 * @param channels the channels its notices go to, by name (none: notices are recorded only)
 * @param enabled  watched or not
 */
public record AlertRuleSpec(String name, AlertKind kind, String type, String job, String priority, boolean perTask,
                            Duration after, Duration quiet, List<String> channels, boolean enabled) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_CHANNELS = 20;
    private static final List<String> PARAMETERS = List.of("type", "job", "priority", "perTask", "after", "quiet");
    private static final Duration SHORTEST = Duration.ofSeconds(1);
    private static final Duration LONGEST_AFTER = Duration.ofDays(366);
    private static final Duration LONGEST_QUIET = Duration.ofDays(30);

    public AlertRuleSpec {
        if (name == null) {
            throw new IllegalArgumentException("name is required, such as \"agents-down\"");
        }
        named("name", name);
        if (kind == null) {
            throw new IllegalArgumentException("kind is required, one of " + AlertKind.words());
        }
        if (type != null) {
            named(takenBy(kind, "type"), type);
        }
        if (job != null) {
            named(takenBy(kind, "job"), job);
        }
        if (priority != null) {
            takenBy(kind, "priority");
            if (!List.of("urgent", "normal").contains(priority)) {
                throw new IllegalArgumentException("priority must be urgent or normal, got \"" + priority + "\"");
            }
        }
        if (perTask) {
            takenBy(kind, "perTask");
        }
        if (after != null) {
            within(takenBy(kind, "after"), after, LONGEST_AFTER);
        } else if (kind.takes("after")) {
            throw new IllegalArgumentException("after is required for kind " + kind.word() + ", a duration such as \"10m\"");
        }
        if (quiet != null) {
            within(takenBy(kind, "quiet"), quiet, LONGEST_QUIET);
        }
        if (kind == AlertKind.JOB_SILENT && job == null) {
            throw new IllegalArgumentException("job is required for kind job-silent: the name of the job that must run");
        }
        channels = channels == null ? List.of() : List.copyOf(channels);
        if (channels.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels must name at most " + MAX_CHANNELS + " channels");
        }
        Set<String> seen = new HashSet<>();
        for (String channel : channels) {
            named("channels", channel);
            if (!seen.add(channel)) {
                throw new IllegalArgumentException("channels names " + channel + " twice");
            }
        }
    }

    /** The field's name when the kind takes it; else the refusal. */
    private static String takenBy(AlertKind kind, String field) {
        if (!kind.takes(field)) {
            List<String> taken = PARAMETERS.stream().filter(kind::takes).toList();
            throw new IllegalArgumentException(field + " is not taken by kind " + kind.word() + ", which takes "
                    + (taken.isEmpty() ? "no parameter" : taken));
        }
        return field;
    }

    private static void named(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must match " + NAME.pattern() + ", got \"" + value + "\"");
        }
    }

    private static void within(String field, Duration value, Duration longest) {
        if (value.compareTo(SHORTEST) < 0 || value.compareTo(longest) > 0) {
            throw new IllegalArgumentException(field + " must be a duration from 1s to " + longest.toDays() + "d, got "
                    + value);
        }
    }
}

package routes.alert;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a rule watches, and which of a rule's parameters each kind takes (docs/operations.md, "Alerts"). Event kinds
 * (a task exhausted, a fire missed) hold while such an event happened within the rule's quiet period; the others
 * hold while the state they watch lasts.
 */
public enum AlertKind {

    /** A task failed (or timed out) with no attempt left; by type or job, or one incident per task. */
    TASK_EXHAUSTED("task-exhausted", Set.of("type", "job", "perTask", "quiet")),
    /** A job's fire was missed or skipped (its misfire or overlap policy). */
    JOB_MISSED("job-missed", Set.of("job", "quiet")),
    /** The dead man's switch: no successful run of the job within {@code after}. */
    JOB_SILENT("job-silent", Set.of("job", "after")),
    /** An agent stopped sending heartbeats. */
    AGENT_DEAD("agent-dead", Set.of()),
    /** An agent stayed overloaded (it takes no work) for longer than {@code after}. */
    AGENT_OVERLOADED("agent-overloaded", Set.of("after")),
    /** A queue's oldest task is older than {@code after}. */
    QUEUE_AGE("queue-age", Set.of("type", "priority", "after")),
    /** Messages lie in the quarantine. */
    QUARANTINE("quarantine", Set.of());

    private final String word;
    private final Set<String> parameters;

    AlertKind(String word, Set<String> parameters) {
        this.word = word;
        this.parameters = parameters;
    }

    /** The kind as the API, the configuration and the notices spell it: "agent-dead". */
    public String word() {
        return word;
    }

    public boolean takes(String parameter) {
        return parameters.contains(parameter);
    }

    /** Whether the rule's parameter {@code quiet} ends its incidents: the kinds watching events rather than states. */
    public boolean eventLike() {
        return takes("quiet");
    }

    public static AlertKind of(String word) {
        return Arrays.stream(values()).filter(kind -> kind.word.equals(word)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kind must be one of " + words() + ", got \"" + word + "\""));
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(AlertKind::word).toList();
    }
}

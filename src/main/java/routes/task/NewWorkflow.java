package routes.task;

import java.util.List;
import routes.message.TaskSpec;

/**
 * A workflow that passed validation: its optional name and idempotency key, and its tasks in the order given, whose
 * names are unique and whose dependsOn names only them, with no cycle.
 */
public record NewWorkflow(String name, String key, List<Task> tasks) {

    /** whenParentFails: a task whose parent failed for good ends CANCELLED (the default). */
    public static final String CANCEL = "cancel";
    /** whenParentFails: a task runs once every parent has ended, however they ended. */
    public static final String RUN = "run";

    /**
     * A task of the workflow: its name in it, what it runs, the names of its parents (it waits for them), and what it
     * does when one of them fails for good ({@link #CANCEL} or {@link #RUN}).
     */
    public record Task(String name, TaskSpec spec, List<String> dependsOn, String whenParentFails) {
    }
}

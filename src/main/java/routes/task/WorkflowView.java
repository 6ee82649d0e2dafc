package routes.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import routes.message.TaskState;

/**
 * A workflow as the API shows it: its state, read from its tasks' (RUNNING while one has not ended; then SUCCEEDED
 * when all succeeded, FAILED when one failed or timed out, else CANCELLED), how many of its tasks are in each state,
 * and, in the single view and the answer to a submission, its tasks with their names, ids, states and parents.
 *
 * @param finishedAt when its last task ended; null while it runs
 */
public record WorkflowView(String id, String name, String key,
                           @Schema(allowableValues = {"RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) String state,
                           Instant createdAt, Instant finishedAt,
                           @Schema(description = "how many of its tasks are in each state")
                           Map<String, Long> taskStates,
                           @JsonInclude(JsonInclude.Include.NON_NULL)
                           @Schema(description = "single view and submission only: its tasks in the order given")
                           List<Task> tasks) {

    public static final String RUNNING = "RUNNING";

    /**
     * A task of the workflow.
     *
     * @param whenParentFails cancel: it ends CANCELLED when a parent failed for good; run: it runs once every parent
     *                        ended
     */
    public record Task(String name, String taskId, String state, List<String> dependsOn,
                       @Schema(allowableValues = {"cancel", "run"}) String whenParentFails) {
    }

    /** The workflow's state from its tasks' states and how many are in each. */
    static String stateOf(Map<String, Long> taskStates) {
        boolean failed = false;
        boolean cancelled = false;
        for (Map.Entry<String, Long> count : taskStates.entrySet()) {
            if (count.getValue() == 0) {
                continue;
            }
            TaskState state = TaskState.valueOf(count.getKey());
            if (!state.isTerminal()) {
                return RUNNING;
            }
            failed |= state == TaskState.FAILED || state == TaskState.TIMED_OUT;
            cancelled |= state == TaskState.CANCELLED;
        }
        return failed ? TaskState.FAILED.name() : cancelled ? TaskState.CANCELLED.name() : TaskState.SUCCEEDED.name();
    }
}

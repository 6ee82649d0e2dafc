package routes.worker;

import java.util.List;
import java.util.Map;

/**
 * A worker as it registered: the task types it serves, its labels (a task's labels must all be among them), and how
 * many tasks it holds at most.
 */
public record Worker(String id, List<String> types, Map<String, String> labels, int capacity) {

    /** Whether it may take a task with these labels. */
    public boolean carries(Map<String, String> taskLabels) {
        return taskLabels == null || labels.entrySet().containsAll(taskLabels.entrySet());
    }
}

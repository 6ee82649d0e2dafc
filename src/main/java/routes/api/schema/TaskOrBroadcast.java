package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import routes.task.BroadcastSubmitted;
import routes.task.TaskView;

/** The answer to POST /api/tasks: the task, or for "target": "all" the broadcast and its tasks. */
@Schema(anyOf = {TaskView.class, BroadcastSubmitted.class})
public interface TaskOrBroadcast {
}

package routes.task;

import java.util.List;
import routes.message.TaskSpec;

/** A task for every live agent that takes it: one spec per agent, each pinned to it, under one broadcast id. */
public record Broadcast(String id, List<TaskSpec> specs) {
}

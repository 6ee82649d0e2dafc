package routes.task;

import java.util.List;

/** The answer to a submitted broadcast: its id and its tasks, one per agent. */
public record BroadcastSubmitted(String broadcast, List<TaskView> tasks) {
}

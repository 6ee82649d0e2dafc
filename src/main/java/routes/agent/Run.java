package routes.agent;

import routes.message.TaskSpec;

/** One attempt of a task an agent has claimed: what to run, and the inbox entry that stands for it. */
public record Run(String taskId, int attempt, TaskSpec spec, String entry) {
}

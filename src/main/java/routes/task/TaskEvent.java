package routes.task;

import java.time.Instant;

/** One line of a task's dispatch record: what happened, when, on which agent, in which attempt, and why. */
public record TaskEvent(Instant at, String state, String agent, int attempt, String message) {
}

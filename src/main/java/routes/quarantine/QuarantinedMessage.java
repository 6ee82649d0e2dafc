package routes.quarantine;

import java.time.Instant;

/**
 * A message a loop could not process, set aside where operators see it.
 *
 * @param attempts how often it was tried
 * @param where    the control node or agent that set it aside
 */
public record QuarantinedMessage(String id, String loop, String message, String error, int attempts, Instant at,
                                 String where, String replayTo, Loop.Replay replay) {
}

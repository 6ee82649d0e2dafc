package routes.message;

/**
 * The last failed install of a code version.
 *
 * @param error       why, in the operator's words
 * @param attempts    failed installs in a row
 * @param failedAt    when the last one failed (epoch ms, the agent's clock)
 * @param nextRetryAt when the agent tries again (epoch ms, the agent's clock)
 */
public record InstallFailure(String project, String version, String error, int attempts, long failedAt,
                             long nextRetryAt) {
}

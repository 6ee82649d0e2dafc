package routes.message;

/**
 * What an agent reports about one attempt of a task, through Redis to control.
 *
 * @param kind    "started" or "finished"
 * @param outcome for "finished": SUCCEEDED, FAILED, TIMED_OUT or CANCELLED
 * @param message why, in words, when the outcome needs one (cannot start, timed out, killed)
 */
public record RunReport(String kind, String taskId, int attempt, String agent, long at, String outcome,
                        Integer exitCode, String stdout, String stderr, boolean stdoutTruncated,
                        boolean stderrTruncated, String message) {

    public static final String STARTED = "started";
    public static final String FINISHED = "finished";

    public static RunReport started(String taskId, int attempt, String agent, long at) {
        return new RunReport(STARTED, taskId, attempt, agent, at, null, null, null, null, false, false, null);
    }

    /** This report as from {@code agent}: control takes it from that agent's own list, whatever the body says. */
    public RunReport from(String agent) {
        return agent.equals(this.agent) ? this : new RunReport(kind, taskId, attempt, agent, at, outcome, exitCode,
                stdout, stderr, stdoutTruncated, stderrTruncated, message);
    }

    public boolean isFinished() {
        return FINISHED.equals(kind);
    }
}

package routes.agent;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.component.exec.ExecResult;
import routes.message.RunReport;
import routes.message.TaskState;

/**
 * camel-exec's result plus how the process ended: exited, timed out, killed on request, killed because the agent
 * stopped, or never started.
 */
public class TaskExecResult extends ExecResult {

    public enum Ending { EXITED, TIMED_OUT, KILLED, STOPPED, NOT_STARTED }

    private final transient Run run;
    private final Ending ending;
    private final transient CapturedOutput stdout;
    private final transient CapturedOutput stderr;
    private final String problem;

    public TaskExecResult(TaskExecCommand command, int exitValue, Ending ending, CapturedOutput stdout,
                          CapturedOutput stderr, String problem) {
        super(command, stream(stdout), stream(stderr), exitValue);
        this.run = command.run();
        this.ending = ending;
        this.stdout = stdout;
        this.stderr = stderr;
        this.problem = problem;
    }

    public static TaskExecResult notStarted(TaskExecCommand command, String problem) {
        return new TaskExecResult(command, -1, Ending.NOT_STARTED, CapturedOutput.NONE, CapturedOutput.NONE, problem);
    }

    public Run run() {
        return run;
    }

    public RunReport report(String agentId) {
        TaskState outcome = switch (ending) {
            case EXITED -> getExitValue() == 0 ? TaskState.SUCCEEDED : TaskState.FAILED;
            case TIMED_OUT -> TaskState.TIMED_OUT;
            case KILLED -> TaskState.CANCELLED;
            case STOPPED, NOT_STARTED -> TaskState.FAILED;
        };
        Integer exitCode = ending == Ending.NOT_STARTED ? null : getExitValue();
        return new RunReport(RunReport.FINISHED, run.taskId(), run.attempt(), agentId, System.currentTimeMillis(),
                outcome.name(), exitCode, stdout.text(), stderr.text(), stdout.truncated(), stderr.truncated(), problem);
    }

    private static ByteArrayInputStream stream(CapturedOutput output) {
        return new ByteArrayInputStream(output.text().getBytes(StandardCharsets.UTF_8));
    }
}

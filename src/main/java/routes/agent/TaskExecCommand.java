package routes.agent;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;

/** camel-exec's command plus what it has no place for: the environment, the output cap and the run it belongs to. */
public class TaskExecCommand extends ExecCommand {

    private final transient Run run;
    private final Map<String, String> environment;
    private final int outputCap;

    public TaskExecCommand(Run run, String executable, List<String> args, String workingDir, long timeoutMillis,
                           Map<String, String> environment, int outputCap) {
        super(executable, args, workingDir, timeoutMillis, Set.of(), null, null, false, LoggingLevel.OFF);
        this.run = run;
        this.environment = Map.copyOf(environment);
        this.outputCap = outputCap;
    }

    public Run run() {
        return run;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public int outputCap() {
        return outputCap;
    }
}

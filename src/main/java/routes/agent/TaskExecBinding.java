package routes.agent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.ExecResult;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.message.TaskSpec;

/**
 * Turns the {@link Run} in the message body into the command camel-exec runs: the argument vector as given,
 * or {@code /bin/sh -c} only when the task asked for a shell; the environment is the task's own plus the few
 * agent variables configured to pass through, never the agent's whole environment. A task that needs a code
 * version runs in its directory (unless it gives a workdir), named by {@code CARAVAN_CODE_DIR}.
 */
@Component
@AgentRole
public class TaskExecBinding implements ExecBinding {

    private final AgentProperties agent;
    private final AgentCode code;

    public TaskExecBinding(AgentProperties agent, AgentCode code) {
        this.agent = agent;
        this.code = code;
    }

    @Override
    public TaskExecCommand readInput(Exchange exchange, ExecEndpoint endpoint) {
        Run run = exchange.getMessage().getBody(Run.class);
        TaskSpec spec = run.spec();
        List<String> argv = spec.shell() != null ? List.of("/bin/sh", "-c", spec.shell()) : spec.command();
        Map<String, String> env = new HashMap<>();
        for (String name : agent.inheritEnv()) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(spec.env());
        env.put("CARAVAN_TASK_ID", run.taskId());
        env.put("CARAVAN_ATTEMPT", Integer.toString(run.attempt()));
        String workdir = spec.workdir() != null ? spec.workdir() : agent.defaultWorkdir().toString();
        if (spec.code() != null) {
            String dir = code.dir(spec.code()).toString();
            env.put("CARAVAN_CODE_DIR", dir);
            workdir = spec.workdir() != null ? spec.workdir() : dir;
        }
        return new TaskExecCommand(run, argv.get(0), argv.subList(1, argv.size()), workdir,
                spec.timeoutSeconds() * 1000L, env, (int) agent.outputCap().toBytes());
    }

    @Override
    public void writeOutput(Exchange exchange, ExecResult result) {
        exchange.getMessage().setBody(result);
    }
}

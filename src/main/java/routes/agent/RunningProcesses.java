package routes.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.AgentRole;
import routes.logs.LogContext;

/**
 * The processes this agent runs now, by task id, so a cancel can find and kill one. A cancel that arrives
 * just before its process starts is remembered for a while, and the process is killed as it starts.
 */
@Component
@AgentRole
public class RunningProcesses {

    private static final Logger log = LoggerFactory.getLogger(RunningProcesses.class);

    private static final int REMEMBERED_CANCELS = 10_000;

    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final Map<String, TaskExecResult.Ending> killed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> cancelled = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    });
    private final ProcessTreeKiller killer;

    public RunningProcesses(ProcessTreeKiller killer) {
        this.killer = killer;
    }

    void started(String taskId, Process process) {
        running.put(taskId, process);
        if (cancelled.remove(taskId) != null) {
            kill(taskId);
        }
    }

    /** Forgets a process that ended; says why it was killed (on request, or the agent stopping), or null. */
    TaskExecResult.Ending ended(String taskId) {
        running.remove(taskId);
        return killed.remove(taskId);
    }

    /** Kills the task's process tree if it runs here, or as soon as it starts here. */
    public void kill(String taskId) {
        Process process = running.get(taskId);
        if (process == null) {
            cancelled.put(taskId, Boolean.TRUE);
        } else {
            killed.put(taskId, TaskExecResult.Ending.KILLED);
            try (LogContext about = LogContext.task(taskId, null, null)) {
                log.info("Killing task {} on request", taskId);
            }
            killer.kill(process);
        }
    }

    /** Kills every process running here: the agent is stopping and its drain grace is over. */
    public void stopAll() {
        running.forEach((taskId, process) -> {
            killed.put(taskId, TaskExecResult.Ending.STOPPED);
            killer.kill(process);
        });
    }
}

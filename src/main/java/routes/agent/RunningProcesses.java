package routes.agent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.AgentRole;

/** The processes this agent runs now, by task id, so a cancel can find and kill one. */
@Component
@AgentRole
public class RunningProcesses {

    private static final Logger log = LoggerFactory.getLogger(RunningProcesses.class);

    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final Set<String> killed = ConcurrentHashMap.newKeySet();
    private final ProcessTreeKiller killer;

    public RunningProcesses(ProcessTreeKiller killer) {
        this.killer = killer;
    }

    void started(String taskId, Process process) {
        running.put(taskId, process);
    }

    /** Forgets a process that ended; true when it ended because it was killed on request. */
    boolean ended(String taskId) {
        running.remove(taskId);
        return killed.remove(taskId);
    }

    /** Kills the task's process tree if it runs here; a task not running here is ignored. */
    public void kill(String taskId) {
        Process process = running.get(taskId);
        if (process != null) {
            killed.add(taskId);
            log.info("Killing task {} on request", taskId);
            killer.kill(process);
        }
    }

    public int count() {
        return running.size();
    }
}

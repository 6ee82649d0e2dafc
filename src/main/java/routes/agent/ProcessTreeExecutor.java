package routes.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.agent.TaskExecResult.Ending;
import routes.config.AgentRole;

/**
 * The command executor behind the agent's {@code exec:} endpoint: runs an argument vector with its own
 * environment and working directory, keeps at most the output cap of stdout and stderr (and streams them live to
 * whoever watches, through {@link OutputStreamer}), and on timeout or cancel kills the whole process tree.
 */
@Component
@AgentRole
public class ProcessTreeExecutor implements ExecCommandExecutor {

    private static final Logger log = LoggerFactory.getLogger(ProcessTreeExecutor.class);
    private static final long DRAIN_MILLIS = 2_000;

    private final ProcessTreeKiller killer;
    private final RunningProcesses running;
    private final OutputStreamer streamer;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "caravan-output");
        thread.setDaemon(true);
        return thread;
    });

    public ProcessTreeExecutor(ProcessTreeKiller killer, RunningProcesses running, OutputStreamer streamer) {
        this.killer = killer;
        this.running = running;
        this.streamer = streamer;
    }

    @Override
    public TaskExecResult execute(ExecCommand execCommand) {
        TaskExecCommand command = (TaskExecCommand) execCommand;
        String taskId = command.run().taskId();
        if (!Files.isDirectory(Path.of(command.getWorkingDir()))) {
            return TaskExecResult.notStarted(command, "cannot start " + command.getExecutable()
                    + ": the working directory " + command.getWorkingDir() + " does not exist on this agent"
                    + " (or is not a directory); give an existing workdir");
        }
        String program = findProgram(command.getExecutable(), command.environment().get("PATH"),
                Path.of(command.getWorkingDir()));
        if (program == null) {
            return TaskExecResult.notStarted(command, "cannot start " + command.getExecutable()
                    + ": no such executable file" + (command.getExecutable().contains("/") ? ""
                    : " on the PATH " + command.environment().get("PATH")));
        }
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(command.getArgs());
        ProcessBuilder builder = new ProcessBuilder(killer.leaderOf(argv))
                .directory(new File(command.getWorkingDir()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(command.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return TaskExecResult.notStarted(command, "cannot start " + command.getExecutable() + " in "
                    + command.getWorkingDir() + ": " + e.getMessage());
        }
        running.started(taskId, process);
        LiveCapture live = streamer.open(taskId, command.run().attempt());
        try {
            return runToEnd(command, process, live);
        } finally {
            streamer.close(live);
        }
    }

    private TaskExecResult runToEnd(TaskExecCommand command, Process process, LiveCapture live) {
        String taskId = command.run().taskId();
        Future<CapturedOutput> stdout = pumps.submit(() -> CapturedOutput.read(process.getInputStream(),
                command.outputCap(), live::stdout));
        Future<CapturedOutput> stderr = pumps.submit(() -> CapturedOutput.read(process.getErrorStream(),
                command.outputCap(), live::stderr));
        boolean timedOut = false;
        try {
            if (!process.waitFor(command.getTimeout(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                log.info("Task {} timed out after {} ms; killing its process tree", taskId, command.getTimeout());
                killer.kill(process);
                process.waitFor();
            }
        } catch (InterruptedException e) {
            // the agent is stopping: the process goes with it
            killer.kill(process);
            awaitExit(process);
            Thread.currentThread().interrupt();
        }
        Ending killed = running.ended(taskId);
        Ending ending = killed != null ? killed : timedOut ? Ending.TIMED_OUT : Ending.EXITED;
        String problem = switch (ending) {
            case KILLED -> "killed on request";
            case STOPPED -> "killed: the agent was stopped and this ran past caravan.agent.drain-grace";
            case TIMED_OUT -> "killed after the timeout of " + command.getTimeout() / 1000 + " s";
            default -> null;
        };
        return new TaskExecResult(command, process.isAlive() ? -1 : process.exitValue(), ending, drain(stdout, process, taskId),
                drain(stderr, process, taskId), problem);
    }

    private static void awaitExit(Process killed) {
        try {
            killed.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The program's path as execvp would find it from the working directory (we start it through setsid, which
     * would only exit 127).
     */
    private static String findProgram(String executable, String path, Path workdir) {
        if (executable.contains("/")) {
            Path program = workdir.resolve(executable);
            return Files.isExecutable(program) ? program.toString() : null;
        }
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path candidate = workdir.resolve(dir.isEmpty() ? "." : dir).resolve(executable);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Output of a process that ended; a descendant that escaped the kill may still hold the pipe open. */
    private CapturedOutput drain(Future<CapturedOutput> output, Process process, String taskId) {
        try {
            return output.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Task {}: a process outside its group still holds its output open; output cut here", taskId);
            killer.kill(process);
            output.cancel(true);
            return CapturedOutput.NONE;
        } catch (ExecutionException e) {
            return CapturedOutput.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CapturedOutput.NONE;
        }
    }
}

package routes.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.AgentRole;

/**
 * Starts commands in a process group of their own (with setsid) and kills the whole group: children and
 * grandchildren too, not only the direct child as camel-exec's own executor does.
 */
@Component
@AgentRole
public class ProcessTreeKiller {

    private static final Logger log = LoggerFactory.getLogger(ProcessTreeKiller.class);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Path KILL = Path.of("/bin/kill");

    private final boolean groups = Files.isExecutable(SETSID) && Files.isExecutable(KILL);

    public ProcessTreeKiller() {
        if (!groups) {
            log.warn("{} or {} is missing: a timed-out task's descendants are killed one by one, and one that "
                    + "detaches from its parent can survive. Install util-linux and procps.", SETSID, KILL);
        }
    }

    /** The argument vector that starts {@code argv} as the leader of a new process group. */
    public List<String> leaderOf(List<String> argv) {
        if (!groups) {
            return argv;
        }
        return Stream.concat(Stream.of(SETSID.toString()), argv.stream()).toList();
    }

    public void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (groups) {
            try {
                new ProcessBuilder(KILL.toString(), "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                log.warn("Could not kill process group {}: {}", process.pid(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}

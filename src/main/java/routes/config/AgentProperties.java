package routes.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * One agent: who it is, what it takes, how it runs commands.
 *
 * @param id                the agent's name in the fleet; the host name when empty
 * @param slots             how many tasks it runs at once
 * @param types             task types it takes
 * @param labels            labels a task's labels must all match
 * @param heartbeatMillis   how often it reports liveness and resources, in milliseconds
 * @param outputCap         bytes of stdout and of stderr kept per task; the rest is counted and dropped
 * @param inheritEnv        names of the agent's environment variables a command sees (nothing else leaks, such as credentials)
 * @param defaultWorkdir    working directory of a task that names none
 * @param maxCpu            above this share of CPU in use (0..1) the agent starts nothing new; 1 turns the check off
 * @param maxMemory         above this share of memory in use (0..1) the agent starts nothing new; 1 turns it off
 * @param drainGrace        on SIGTERM, how long running tasks may go on before they are killed
 * @param codeDir           where code versions live, as {@code <project>/<version>} directories
 * @param codeSyncMillis    how often the agent installs registered code versions it lacks
 * @param maxArtifactSize   largest code archive it downloads
 * @param maxUnpackedSize   most an archive may unpack to (a small archive must not fill the disk)
 * @param downloadTimeout   longest a code archive's download and unpacking may take
 * @param installRetryBackoff    wait before trying a failed code install again; it doubles with each failure
 * @param installRetryMaxBackoff longest wait between tries of a failed code install
 * @param liveOutputCap     bytes of the end of stdout and of stderr a running task's live output keeps in Redis
 * @param liveOutputFlush   how often the agent pushes new output of a watched running task
 */
@ConfigurationProperties("caravan.agent")
public record AgentProperties(String id, int slots, List<String> types, Map<String, String> labels,
                              long heartbeatMillis, DataSize outputCap, List<String> inheritEnv,
                              Path defaultWorkdir, double maxCpu, double maxMemory,
                              Duration drainGrace, Path codeDir, long codeSyncMillis, DataSize maxArtifactSize,
                              DataSize maxUnpackedSize, Duration downloadTimeout, Duration installRetryBackoff,
                              Duration installRetryMaxBackoff, DataSize liveOutputCap, Duration liveOutputFlush) {

    public AgentProperties {
        if (id == null || id.isBlank()) {
            id = HostName.get();
        }
        if (!id.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException(
                    "caravan.agent.id must be 1-128 characters of letters, digits, '.', '_' or '-', got: " + id);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("caravan.agent.slots must be at least 1, got: " + slots);
        }
        types = types == null || types.isEmpty() ? List.of("default") : List.copyOf(types);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        inheritEnv = inheritEnv == null ? List.of() : List.copyOf(inheritEnv);
        if (drainGrace == null || drainGrace.isNegative()) {
            throw new IllegalArgumentException("caravan.agent.drain-grace must be 0 or more, got: " + drainGrace);
        }
        if (installRetryBackoff == null || installRetryBackoff.toMillis() <= 0 || installRetryMaxBackoff == null
                || installRetryMaxBackoff.compareTo(installRetryBackoff) < 0) {
            throw new IllegalArgumentException("caravan.agent.install-retry-backoff must be at least 1ms and"
                    + " install-retry-max-backoff at least as long, got " + installRetryBackoff + " and "
                    + installRetryMaxBackoff);
        }
        liveOutputCap = liveOutputCap == null ? DataSize.ofKilobytes(64) : liveOutputCap;
        liveOutputFlush = liveOutputFlush == null ? Duration.ofMillis(250) : liveOutputFlush;
        if (liveOutputCap.toBytes() < 1024 || liveOutputCap.toBytes() > 16L * 1024 * 1024) {
            throw new IllegalArgumentException("caravan.agent.live-output-cap must be from 1KB to 16MB, got: " + liveOutputCap);
        }
        if (liveOutputFlush.toMillis() < 50) {
            throw new IllegalArgumentException("caravan.agent.live-output-flush must be at least 50ms, got: " + liveOutputFlush);
        }
        if (maxCpu <= 0 || maxCpu > 1 || maxMemory <= 0 || maxMemory > 1) {
            throw new IllegalArgumentException("caravan.agent.max-cpu and max-memory must be shares above 0 and at most 1"
                    + " (1 turns the check off), got " + maxCpu + " and " + maxMemory);
        }
    }
}

package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An agent in a JVM of its own, started from the test class path, so a test can kill it with SIGKILL: no
 * shutdown hook, no last report, exactly what a crashed server does.
 */
public final class AgentProcess implements AutoCloseable {

    private final Process process;

    public AgentProcess(TestStores stores, Path dataDir, String id, int slots, Map<String, String> labels,
                        String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "routes.CaravanApplication",
                "--caravan.role=agent", "--server.port=0", "--caravan.agent.id=" + id,
                "--caravan.agent.slots=" + slots, "--caravan.data-dir=" + dataDir.resolve(id),
                "--logging.level.root=WARN"));
        command.addAll(stores.redisArgs());
        labels.forEach((k, v) -> command.add("--caravan.agent.labels." + k + "=" + v));
        command.addAll(List.of(extraArgs));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve(id + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as systemd or an operator stops a service; waits for the process to exit. */
    public int terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("agent still running " + atMost + " after SIGTERM");
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}

package routes.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * Standalone's own Redis: the redis-server shipped inside the embedded-redis artifact, as a child process that
 * this class starts and stops itself. Not through embedded-redis's {@code RedisServer}: that one stops Redis from
 * a JVM shutdown hook of its own, at the same moment Spring starts stopping, so every loop still running lost
 * its Redis and logged errors for seconds. Here Redis stops when its bean is destroyed: after Camel's routes.
 * <ul>
 * <li>Its files (append-only file, pid file) are owner-only: it runs with umask 077, Redis having no mode
 * setting of its own.</li>
 * <li>Its configuration, password included, goes in on stdin ({@code redis-server -}): never on a command line
 * that {@code ps} shows, never in a file.</li>
 * <li>It runs in a session of its own (setsid), so a Ctrl-C in the terminal reaches the JVM alone, which then
 * stops Redis last.</li>
 * </ul>
 */
public final class EmbeddedRedis {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final String READY = "Ready to accept connections";
    private static final Duration START_WAIT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final String password;

    private EmbeddedRedis(Process process, int port, String password) {
        this.process = process;
        this.port = port;
        this.password = password;
    }

    /** Starts Redis on a free loopback port with a new random password, keeping its files in {@code dir}. */
    public static EmbeddedRedis start(Path dir) throws IOException {
        OwnerOnly.createDirectories(dir);
        Path pidFile = dir.resolve("redis.pid");
        stopOrphan(pidFile);
        int port = freePort();
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);

        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of("/bin/sh", "-c", "umask 077 && exec \"$0\" -",
                ExecutableProvider.newJarResourceProvider().get().getAbsolutePath()));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try (Writer config = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            config.write(String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir \"" + dir + "\"",
                    "pidfile \"" + pidFile + "\"",
                    "requirepass " + password,
                    "appendonly yes",
                    "save \"\"",
                    ""));
        }
        awaitReady(process);
        log.info("Embedded Redis listening on 127.0.0.1:{}, files in {}", port, dir);
        return new EmbeddedRedis(process, port, password);
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** SIGTERM, as Redis expects: it syncs its append-only file and exits. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Embedded Redis (pid {}) still running {} after SIGTERM; killing it", process.pid(), STOP_WAIT);
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Waits for Redis's ready line. Its output goes on to the debug log from a thread of its own, so Redis never
     * blocks on a full pipe; the last lines are kept for the error if it exits instead.
     */
    private static void awaitReady(Process process) throws IOException {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Deque<String> last = new ArrayDeque<>();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    log.debug("redis: {}", line);
                    if (last.size() == 20) {
                        last.removeFirst();
                    }
                    last.addLast(line);
                    if (line.contains(READY)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the pipe closes when Redis exits
            }
            ready.completeExceptionally(new IOException("Redis exited at start:\n" + String.join("\n", last)));
        }, "embedded-redis-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("Redis did not get ready within " + START_WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while Redis started", e);
        }
    }

    /**
     * A Redis left running by a standalone JVM that was killed would write the same append-only file as the
     * new one: stop it first.
     */
    private static void stopOrphan(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .ifPresent(orphan -> {
                    log.warn("Stopping the embedded Redis (pid {}) left running by an earlier standalone start", pid);
                    orphan.destroy();
                    orphan.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                });
        Files.deleteIfExists(pidFile);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

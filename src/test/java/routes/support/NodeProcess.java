package routes.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Caravan node in a JVM of its own, started from the test class path, so a test can kill it with SIGKILL: no
 * shutdown hook, no last report, exactly what a crashed server does.
 */
public final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private NodeProcess(Path dataDir, String name, List<String> args) {
        // under the usual umask 022 whatever the test runner's, so the modes of its files are the ones it sets
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 022 && exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                // a test node lives for seconds: quick compilation and a small collector start it sooner on 2 cores
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classPath(), "routes.CaravanApplication",
                "--caravan.data-dir=" + dataDir.resolve(name), "--logging.level.root=WARN"));
        command.addAll(args);
        log = dataDir.resolve(name + ".log");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The tests' class path without the tests' own classes and resources: a node runs what the jar holds, and
     * configures its logging as a deployed one does (not by the tests' logback-test.xml).
     */
    private static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * A standalone node (control, agent, embedded Redis and H2) with its data in {@code dataDir/name}, serving on
     * the given port; its admin token is in the file {@code admin-token} there.
     */
    public static NodeProcess standalone(Path dataDir, String name, int port, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--caravan.role=standalone", "--server.port=" + port));
        args.addAll(List.of(extraArgs));
        return new NodeProcess(dataDir, name, args);
    }

    public static NodeProcess agent(TestStores stores, Path dataDir, String id, int slots, Map<String, String> labels,
                                    String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--caravan.role=agent", "--server.port=0",
                "--caravan.agent.id=" + id, "--caravan.agent.slots=" + slots));
        args.addAll(stores.redisArgs());
        labels.forEach((k, v) -> args.add("--caravan.agent.labels." + k + "=" + v));
        args.addAll(List.of(extraArgs));
        return new NodeProcess(dataDir, id, args);
    }

    /** A control node with the cluster's admin token, serving its API on the given port. */
    public static NodeProcess control(TestStores stores, Path dataDir, String nodeId, int port, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--caravan.role=control", "--server.port=" + port,
                "--caravan.control.node-id=" + nodeId, "--caravan.security.admin-token=" + Cluster.TOKEN,
                "--caravan.security.admin-password=" + Cluster.ADMIN_PASSWORD));
        args.addAll(stores.redisArgs());
        args.addAll(stores.databaseArgs());
        args.addAll(List.of(extraArgs));
        return new NodeProcess(dataDir, nodeId, args);
    }

    /** SIGKILL of the JVM alone: the processes it started run on, orphaned (a zombie agent's tasks). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGKILL of the JVM and everything it started, as when its machine goes down. */
    public void crash() throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
    }

    /**
     * Waits until the node's readiness probe on this port answers 200; fails with the node's last output lines when
     * it exits first or is not ready in time.
     */
    public void awaitReady(int port, Duration atMost) throws InterruptedException {
        Api probe = new Api(port, null);
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!probe.ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                List<String> output = output();
                throw new AssertionError("node on port " + port + (process.isAlive() ? " not ready after " + atMost
                        : " exited with " + process.exitValue()) + "; its last output:\n"
                        + String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size())));
            }
            Thread.sleep(250);
        }
    }

    /** SIGTERM, as systemd or an operator stops a service; waits for the process to exit. */
    public int terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node still running " + atMost + " after SIGTERM");
        }
        return process.exitValue();
    }

    /** What the node wrote to stdout and stderr so far (WARN and above, unless started with another level). */
    public List<String> output() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            crash();
        }
    }
}

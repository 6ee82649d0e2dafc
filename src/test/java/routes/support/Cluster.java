package routes.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import routes.CaravanApplication;

/**
 * Real Caravan nodes in this JVM, each its own Spring and Camel context with its own HTTP port, sharing the
 * test's stores: one control node and any number of agents, started and stopped by the test.
 */
public class Cluster implements AutoCloseable {

    public static final String TOKEN = "test-admin-token-" + UUID.randomUUID();
    /** The password of the user admin, which a control node makes at its first start. */
    public static final String ADMIN_PASSWORD = "test-password-" + UUID.randomUUID();

    private final TestStores stores = new TestStores();
    private final Path dataDir;
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private final List<Api> apis = new ArrayList<>();
    private final List<ConfigurableApplicationContext> controls = new ArrayList<>();
    private int redisPort;

    public Cluster(Path dataDir) {
        this.dataDir = dataDir;
        this.redisPort = stores.redisPort;
    }

    /** Nodes started from now on reach the test's Redis through this port of its host: a {@link RedisRelay}'s. */
    public Cluster redisThrough(int port) {
        this.redisPort = port;
        return this;
    }

    public TestStores stores() {
        return stores;
    }

    /** Starts a control node; the first one's API is {@link #api()}. */
    public Cluster control(String... extraArgs) {
        List<String> args = new ArrayList<>(stores.databaseArgs());
        args.add("--caravan.security.admin-token=" + TOKEN);
        args.add("--caravan.security.admin-password=" + ADMIN_PASSWORD);
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext control = start("control", "control-" + nodes.size(), args.toArray(String[]::new));
        apis.add(new Api(port(control), TOKEN));
        controls.add(control);
        return this;
    }

    /** Starts an agent with the given id, slots, types (comma-separated) and labels. */
    public ConfigurableApplicationContext agent(String id, int slots, String types, Map<String, String> labels,
                                                String... extraArgs) {
        // closing a test agent kills what it still runs at once, as a stop past its drain grace would
        List<String> args = new ArrayList<>(List.of("--caravan.agent.id=" + id, "--caravan.agent.slots=" + slots,
                "--caravan.agent.types=" + types, "--caravan.agent.drain-grace=0s"));
        labels.forEach((k, v) -> args.add("--caravan.agent.labels." + k + "=" + v));
        args.addAll(List.of(extraArgs));
        return start("agent", id, args.toArray(String[]::new));
    }

    /** The first control node's Spring context, for tests that call its beans. */
    public ConfigurableApplicationContext controlContext() {
        return nodes.get(0);
    }

    /** The Spring context of the n-th control node started (from 0). */
    public ConfigurableApplicationContext controlContext(int n) {
        return controls.get(n);
    }

    /** The API of the first control node. */
    public Api api() {
        return apis.get(0);
    }

    /** The API of the n-th control node started (from 0). */
    public Api api(int n) {
        return apis.get(n);
    }

    public void stop(ConfigurableApplicationContext node) {
        node.close();
        nodes.remove(node);
    }

    private ConfigurableApplicationContext start(String role, String name, String... extraArgs) {
        List<String> args = new ArrayList<>(stores.redisArgs(redisPort));
        args.addAll(List.of(
                "--caravan.role=" + role,
                "--server.port=0",
                "--caravan.data-dir=" + dataDir.resolve(name),
                "--caravan.control.node-id=" + name,
                "--camel.main.name=" + name,
                "--spring.quartz.scheduler-name=" + name,
                "--spring.jmx.unique-names=true",
                "--caravan.dispatcher.tick-millis=200"));
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext node = new SpringApplicationBuilder(CaravanApplication.class)
                .run(args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    private static int port(ConfigurableApplicationContext node) {
        return ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        nodes.clear();
        stores.close();
    }
}

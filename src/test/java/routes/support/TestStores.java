package routes.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import redis.embedded.RedisServer;

/**
 * The stores a test cluster runs against, each test class with its own database and Redis key prefix.
 * {@code -Dcaravan.test.stores=embedded} (the default): a redis-server from the embedded-redis artifact and an
 * in-memory H2. {@code external}: the machine's MariaDB on 127.0.0.1:3306 and Redis on 127.0.0.1:6379.
 */
public final class TestStores implements AutoCloseable {

    private static RedisServer embeddedRedis;

    public final String redisHost = "127.0.0.1";
    public final int redisPort;
    public final String prefix = "t-" + UUID.randomUUID().toString().substring(0, 8);
    public final String jdbcUrl;
    public final String jdbcUser;
    private final String database = "caravan_test_" + UUID.randomUUID().toString().substring(0, 8);

    public TestStores() {
        if (external()) {
            redisPort = 6379;
            jdbcUrl = "jdbc:mysql://127.0.0.1:3306/" + database + "?rewriteBatchedStatements=true";
            jdbcUser = "root";
            mariadb("CREATE DATABASE " + database);
        } else {
            redisPort = embeddedRedisPort();
            jdbcUrl = "jdbc:h2:mem:" + database + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
            jdbcUser = "sa";
        }
    }

    public static boolean external() {
        return "external".equals(System.getProperty("caravan.test.stores", "embedded"));
    }

    /** Command-line arguments that point a node at this Redis. */
    public List<String> redisArgs() {
        return redisArgs(redisPort);
    }

    /** Command-line arguments that point a node at this Redis through another port of its host (a relay). */
    public List<String> redisArgs(int port) {
        return List.of("--spring.data.redis.host=" + redisHost, "--spring.data.redis.port=" + port,
                "--caravan.redis.prefix=" + prefix);
    }

    /** Command-line arguments that point a control node at this database. */
    public List<String> databaseArgs() {
        return List.of("--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=" + jdbcUser,
                "--spring.datasource.password=");
    }

    public StringRedisTemplate redis() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redisHost, redisPort));
        factory.afterPropertiesSet();
        return new StringRedisTemplate(factory);
    }

    /** Deletes every key of this test's prefix: for the nodes, Redis lost everything (restarted empty, or flushed). */
    public void flushRedis() {
        StringRedisTemplate redis = redis();
        try (Cursor<String> keys = redis.scan(ScanOptions.scanOptions().match("{" + prefix + "}:*").count(1000).build())) {
            keys.forEachRemaining(redis::delete);
        }
        ((LettuceConnectionFactory) redis.getConnectionFactory()).destroy();
    }

    @Override
    public void close() {
        flushRedis();
        if (external()) {
            mariadb("DROP DATABASE IF EXISTS " + database);
        }
    }

    private static void mariadb(String statement) {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:3306/", "root", "");
             Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB on 127.0.0.1:3306 (root, empty password) is needed: " + e.getMessage(), e);
        }
    }

    private static synchronized int embeddedRedisPort() {
        if (embeddedRedis == null) {
            try {
                int port = Ports.free();
                embeddedRedis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
                embeddedRedis.start();
                RedisServer started = embeddedRedis;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.stop();
                    } catch (IOException ignored) {
                        // the JVM is going away anyway
                    }
                }));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded Redis", e);
            }
        }
        return embeddedRedis.ports().get(0);
    }
}

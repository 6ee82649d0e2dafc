package routes.config;

import io.lettuce.core.api.StatefulConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.data.redis.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;
import redis.embedded.RedisServer;

/**
 * Standalone mode brings its own Redis: a real redis-server shipped inside the embedded-redis artifact, on a
 * free loopback port, with a password made at each start (what lands in an agent's inbox gets run, so no
 * other local user may write there), keeping its append-only file in the data directory so a restart loses
 * nothing. (The H2 file database is plain configuration in application-standalone.yml.)
 */
@Configuration(proxyBeanMethods = false)
@Profile("standalone")
public class StandaloneStores {

    private static final Logger log = LoggerFactory.getLogger(StandaloneStores.class);

    /** The running embedded Redis and how to reach it; stopped after the connection factory that uses it. */
    public record EmbeddedRedis(RedisServer server, int port, String password) {
        public void stop() throws IOException {
            server.stop();
        }
    }

    @Bean(destroyMethod = "stop")
    public EmbeddedRedis embeddedRedis(CaravanProperties caravan) throws IOException {
        Path dir = caravan.dataDir().resolve("redis").toAbsolutePath();
        Files.createDirectories(dir);
        Path pidFile = dir.resolve("redis.pid");
        stopOrphan(pidFile);
        int port = freePort();
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + dir)
                .setting("pidfile " + pidFile)
                .setting("requirepass " + password)
                .setting("appendonly yes")
                .setting("save \"\"")
                .build();
        server.start();
        log.info("Embedded Redis listening on 127.0.0.1:{}, files in {}", port, dir);
        return new EmbeddedRedis(server, port, password);
    }

    @Bean
    public LettuceConnectionFactory redisConnectionFactory(
            EmbeddedRedis embeddedRedis, ObjectProvider<LettuceClientConfigurationBuilderCustomizer> customizers) {
        GenericObjectPoolConfig<StatefulConnection<?, ?>> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(32);
        LettucePoolingClientConfiguration.LettucePoolingClientConfigurationBuilder builder =
                LettucePoolingClientConfiguration.builder()
                        .poolConfig(pool)
                        .commandTimeout(Duration.ofSeconds(10));
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        LettucePoolingClientConfiguration client = builder.build();
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration("127.0.0.1", embeddedRedis.port());
        server.setPassword(embeddedRedis.password());
        return new LettuceConnectionFactory(server, client);
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

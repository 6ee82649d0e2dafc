package routes.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import io.lettuce.core.api.StatefulConnection;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;
import redis.embedded.RedisServer;

/**
 * Standalone mode brings its own Redis: a real redis-server shipped inside the embedded-redis artifact,
 * on a free loopback port, keeping its append-only file in the data directory so a restart loses nothing.
 * (The H2 file database is plain configuration in application-standalone.yml.)
 */
@Configuration(proxyBeanMethods = false)
@Profile("standalone")
public class StandaloneStores {

    private static final Logger log = LoggerFactory.getLogger(StandaloneStores.class);

    @Bean(destroyMethod = "stop")
    public RedisServer embeddedRedis(CaravanProperties caravan) throws IOException {
        Path dir = caravan.dataDir().resolve("redis").toAbsolutePath();
        Files.createDirectories(dir);
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + dir)
                .setting("appendonly yes")
                .setting("save \"\"")
                .build();
        server.start();
        log.info("Embedded Redis listening on 127.0.0.1:{}, files in {}", port, dir);
        return server;
    }

    @Bean
    public LettuceConnectionFactory redisConnectionFactory(RedisServer embeddedRedis) {
        GenericObjectPoolConfig<StatefulConnection<?, ?>> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(32);
        LettucePoolingClientConfiguration client = LettucePoolingClientConfiguration.builder()
                .poolConfig(pool)
                .commandTimeout(Duration.ofSeconds(10))
                .build();
        int port = embeddedRedis.ports().get(0);
        return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port), client);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

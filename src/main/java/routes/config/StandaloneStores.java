package routes.config;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.data.redis.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;

/**
 * Standalone mode brings its own Redis ({@link EmbeddedRedis}): on a free loopback port, with a password made
 * at each start (what lands in an agent's inbox gets run, so no other local user may write there), keeping its
 * append-only file in the data directory so a restart loses nothing. (The H2 file database is plain
 * configuration in application-standalone.yml.)
 */
@Configuration(proxyBeanMethods = false)
@Profile("standalone")
public class StandaloneStores {

    /** Stopped when the bean is destroyed: after Camel's routes and the connection factory that use it. */
    @Bean(destroyMethod = "stop")
    public EmbeddedRedis embeddedRedis(CaravanProperties caravan) throws IOException {
        return EmbeddedRedis.start(caravan.dataDir().resolve("redis").toAbsolutePath());
    }

    @Bean
    public LettuceConnectionFactory redisConnectionFactory(EmbeddedRedis embeddedRedis, RedisProperties timeouts,
            ClientResources resources, ObjectProvider<LettuceClientConfigurationBuilderCustomizer> customizers) {
        GenericObjectPoolConfig<StatefulConnection<?, ?>> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(32);
        // the same timeouts and client resources as a Redis of the operator's (spring.data.redis.timeout and
        // connect-timeout; Spring Boot's Lettuce resources, with Caravan's timer)
        LettucePoolingClientConfiguration.LettucePoolingClientConfigurationBuilder builder =
                LettucePoolingClientConfiguration.builder().poolConfig(pool).clientResources(resources);
        if (timeouts.getTimeout() != null) {
            builder.commandTimeout(timeouts.getTimeout());
        }
        if (timeouts.getConnectTimeout() != null) {
            builder.clientOptions(ClientOptions.builder()
                    .socketOptions(SocketOptions.builder().connectTimeout(timeouts.getConnectTimeout()).build())
                    .build());
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        LettucePoolingClientConfiguration client = builder.build();
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration("127.0.0.1", embeddedRedis.port());
        server.setPassword(embeddedRedis.password());
        return new LettuceConnectionFactory(server, client);
    }
}

package routes.agent;

import io.lettuce.core.api.StatefulConnection;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.boot.autoconfigure.data.redis.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration.LettucePoolingClientConfigurationBuilder;

/**
 * An agent's pool of Redis connections, as {@code spring.data.redis.lettuce.pool.*} sets it, but registered as no JMX
 * MBean: registering one starts the JVM's platform MBean server, with its beans and their classes, which nothing on an
 * agent reads (it has no JMX, hawtio or metrics). Not in the standalone role, which serves JMX to hawtio.
 */
@Configuration(proxyBeanMethods = false)
@Profile("agent")
public class AgentRedisPool {

    @Bean
    public LettuceClientConfigurationBuilderCustomizer poolWithoutJmx(RedisProperties redis) {
        return builder -> {
            RedisProperties.Pool settings = redis.getLettuce().getPool();
            if (builder instanceof LettucePoolingClientConfigurationBuilder pooling && settings != null) {
                GenericObjectPoolConfig<StatefulConnection<?, ?>> pool = new GenericObjectPoolConfig<>();
                pool.setMaxTotal(settings.getMaxActive());
                pool.setMaxIdle(settings.getMaxIdle());
                pool.setMinIdle(settings.getMinIdle());
                if (settings.getTimeBetweenEvictionRuns() != null) {
                    pool.setTimeBetweenEvictionRuns(settings.getTimeBetweenEvictionRuns());
                }
                if (settings.getMaxWait() != null) {
                    pool.setMaxWait(settings.getMaxWait());
                }
                pool.setJmxEnabled(false);
                pooling.poolConfig(pool);
            }
        };
    }
}

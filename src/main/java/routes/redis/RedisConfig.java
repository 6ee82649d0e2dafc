package routes.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.StringRedisSerializer;

/**
 * The one template and listener container the routes' {@code spring-redis:} endpoints use, with string
 * serialization (the component's default is Java serialization).
 */
@Configuration(proxyBeanMethods = false)
public class RedisConfig {

    /**
     * The longest any command of Caravan blocks in Redis: BLMOVE waiting for work (AgentInbox.claim) and for reports
     * (ResultInbox.take). Every other command answers at once. The client's command timeout
     * ({@code spring.data.redis.timeout}) must be longer, or each such wait would fail as a timeout.
     */
    public static final Duration BLOCKING_WAIT = Duration.ofSeconds(1);

    @Bean
    public StringRedisTemplate caravanRedis(RedisConnectionFactory connectionFactory, RedisProperties client) {
        if (client.getTimeout() != null && client.getTimeout().compareTo(BLOCKING_WAIT.multipliedBy(2)) < 0) {
            throw new IllegalStateException("spring.data.redis.timeout is " + client.getTimeout().toMillis()
                    + " ms: make it at least " + BLOCKING_WAIT.multipliedBy(2).toMillis() + " ms, twice the "
                    + BLOCKING_WAIT.toMillis() + " ms Caravan blocks in Redis waiting for work and reports");
        }
        return new StringRedisTemplate(connectionFactory);
    }

    @Bean
    public RedisMessageListenerContainer caravanListeners(RedisConnectionFactory connectionFactory) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connectionFactory);
        // the default executor starts a thread per message; wake-ups and cancels are tiny and frequent
        container.setTaskExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "caravan-redis-messages");
            thread.setDaemon(true);
            return thread;
        }));
        return container;
    }

    @Bean
    public StringRedisSerializer caravanStringSerializer() {
        return StringRedisSerializer.UTF_8;
    }
}

package routes.redis;

import java.util.concurrent.Executors;
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

    @Bean
    public StringRedisTemplate caravanRedis(RedisConnectionFactory connectionFactory) {
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

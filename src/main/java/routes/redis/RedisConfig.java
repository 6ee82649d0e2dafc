package routes.redis;

import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.data.redis.ClientResourcesBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.StringRedisSerializer;

/**
 * The one template and listener container the routes' {@code spring-redis:} endpoints use, with string
 * serialization (the component's default is Java serialization), and the timer of the Redis client.
 */
@Configuration(proxyBeanMethods = false)
public class RedisConfig {

    /**
     * The longest any command of Caravan blocks in Redis: BLMOVE waiting for work (AgentInbox.claim) and for reports
     * (ResultInbox.take). Every other command answers at once. The client's command timeout
     * ({@code spring.data.redis.timeout}) must be longer, or each such wait would fail as a timeout.
     */
    public static final Duration BLOCKING_WAIT = Duration.ofSeconds(1);
    private static final long TIMER_TICK_MILLIS = 500;

    @Bean
    public StringRedisTemplate caravanRedis(RedisConnectionFactory connectionFactory, RedisProperties client) {
        if (client.getTimeout() != null && client.getTimeout().compareTo(BLOCKING_WAIT.multipliedBy(2)) < 0) {
            throw new IllegalStateException("spring.data.redis.timeout is " + client.getTimeout().toMillis()
                    + " ms: make it at least " + BLOCKING_WAIT.multipliedBy(2).toMillis() + " ms, twice the "
                    + BLOCKING_WAIT.toMillis() + " ms Caravan blocks in Redis waiting for work and reports");
        }
        return new StringRedisTemplate(connectionFactory);
    }

    /**
     * Lettuce's timer (command timeouts, reconnect delays) ticks ten times a second by default, in every node and
     * agent, busy or idle. Twice a second is precise enough for timeouts of seconds. Lettuce does not stop a timer it
     * was given: the bean's own destroy method does.
     */
    @Bean(destroyMethod = "stop")
    public HashedWheelTimer caravanRedisTimer() {
        return new HashedWheelTimer(new DefaultThreadFactory("lettuce-timer", true), TIMER_TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Bean
    public ClientResourcesBuilderCustomizer caravanRedisTimerInUse(HashedWheelTimer caravanRedisTimer) {
        return builder -> builder.timer(caravanRedisTimer);
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

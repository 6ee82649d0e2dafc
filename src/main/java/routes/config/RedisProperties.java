package routes.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Caravan's use of Redis (the connection itself is {@code spring.data.redis.*}).
 *
 * @param prefix               every key starts with {@code {prefix}:}, a hash tag, so multi-key scripts stay valid on
 *                             Redis Cluster
 * @param recoveryCheckMillis  how often control checks whether Redis lost its keys (and then restores them from SQL)
 * @param reconcileMillis      how often control compares queued and dispatched tasks in SQL with the queues in Redis
 *                             (a task out of step in two passes in a row is put right)
 */
@ConfigurationProperties("caravan.redis")
public record RedisProperties(String prefix, long recoveryCheckMillis, long reconcileMillis) {

    public RedisProperties {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(
                    "caravan.redis.prefix must be 1-64 characters of letters, digits, '.', '_' or '-', got: " + prefix);
        }
    }
}

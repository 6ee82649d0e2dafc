package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.RedisRelay;

/**
 * A Redis that stops answering (it accepts what is sent and replies nothing): a node tells so within the Redis
 * command timeout (spring.data.redis.timeout, 5 s by default) instead of hanging with it for Lettuce's 60 s, and is
 * ready again once Redis answers.
 */
class RedisTimeoutTest {

    @Test
    void readinessTurnsDownWithinTheRedisTimeoutWhenRedisStopsAnsweringAndUpAgainWhenItAnswers(@TempDir Path dir)
            throws Exception {
        Cluster cluster = new Cluster(dir);
        RedisRelay relay = new RedisRelay(cluster.stores().redisHost, cluster.stores().redisPort);
        try {
            Api probe = cluster.redisThrough(relay.port()).control().api().as(null);
            await().atMost(Duration.ofSeconds(20)).until(() -> probe.get("/actuator/health/readiness").status() == 200);

            relay.hold();
            long asked = System.nanoTime();
            assertThat(probe.get("/actuator/health/readiness").status()).isEqualTo(503);
            Duration answeredIn = Duration.ofNanos(System.nanoTime() - asked);
            assertThat(answeredIn).isLessThan(Duration.ofSeconds(15));
            // liveness does not ask Redis: no restart for what a restart does not cure
            assertThat(probe.get("/actuator/health/liveness").status()).isEqualTo(200);

            relay.release();
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.get("/actuator/health/readiness").status() == 200);
        } finally {
            cluster.close();
            relay.close();
        }
    }
}

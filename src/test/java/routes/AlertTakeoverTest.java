package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import routes.config.ControlProperties;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;

/**
 * The alert rules are checked by one control node at a time, and the incidents are in SQL: when that node stops,
 * another takes over from the same incidents, notifies nothing again for a condition that still holds, and
 * resolves it when it clears.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertTakeoverTest {

    private static final String[] FAST = {"--caravan.alerts.check-millis=200", "--caravan.metrics.gauge-refresh-millis=200",
            "--caravan.alerts.rules[0].name=quarantined", "--caravan.alerts.rules[0].kind=quarantine"};

    private Cluster cluster;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control(FAST).control(FAST);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void anotherControlNodeTakesOverTheIncidentsOfTheOneThatStoppedWithoutNotifyingThemAgain() {
        RedisKeys keys = cluster.controlContext(0).getBean(RedisKeys.class);
        cluster.stores().redis().opsForList().rightPushAll(keys.results(), "not a report");
        await().atMost(Duration.ofSeconds(20)).until(() -> alerts(cluster.api(0)).path("total").asInt() == 1);
        JsonNode firing = alerts(cluster.api(0)).path("alerts").path(0);
        assertThat(firing.path("state").asText()).isEqualTo("FIRING");
        assertThat(firing.path("subject").asText()).isEqualTo("quarantine");

        String holder = cluster.stores().redis().opsForValue().get(keys.alerting());
        int checking = nodeId(0).equals(holder) ? 0 : 1;
        int other = 1 - checking;
        cluster.stop(cluster.controlContext(checking));

        // the lease passes to the other node, which finds the incident open: nothing is sent again
        await().atMost(Duration.ofSeconds(10)).until(() ->
                nodeId(other).equals(cluster.stores().redis().opsForValue().get(keys.alerting())));
        Api api = cluster.api(other);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> alerts(api).path("total").asInt() == 1);

        JsonNode quarantined = api.get("/api/quarantine").body();
        assertThat(api.delete("/api/quarantine/" + quarantined.path(0).path("id").asText()).status()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(10)).until(() -> alerts(api).path("total").asInt() == 2);
        JsonNode resolved = alerts(api).path("alerts").path(0);
        assertThat(resolved.path("state").asText()).isEqualTo("RESOLVED");
        assertThat(resolved.path("incidentId").asLong()).isEqualTo(firing.path("incidentId").asLong());
    }

    private static JsonNode alerts(Api api) {
        return api.get("/api/alerts?rule=quarantined").body();
    }

    private String nodeId(int control) {
        ConfigurableApplicationContext node = cluster.controlContext(control);
        return node.getBean(ControlProperties.class).nodeId();
    }
}

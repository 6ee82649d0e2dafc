package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/** An agent above its CPU or memory threshold is offered no work and starts none; the work goes elsewhere. */
class LoadCheckTest {

    @Test
    void anOverloadedAgentGetsNoWork(@TempDir Path dir) {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            // any machine uses more than 0.01 % of its memory: this agent is always over its threshold
            cluster.agent("busy", 2, "default", Map.of("pool", "load"), "--caravan.agent.max-memory=0.0001");
            await().atMost(Duration.ofSeconds(30)).until(() -> overloaded(api, "busy") != null);
            assertThat(overloaded(api, "busy")).isTrue();

            String id = api.submit("{\"command\": [\"true\"], \"labels\": {\"pool\": \"load\"}}");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> api.task(id).path("state").asText().equals("QUEUED"));

            cluster.agent("calm", 2, "default", Map.of("pool", "load"));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
            assertThat(api.task(id).path("agent").asText()).isEqualTo("calm");
            assertThat(overloaded(api, "calm")).isFalse();
        }
    }

    /** The agent's "overloaded" flag from its last heartbeat, or null before its first one. */
    private static Boolean overloaded(Api api, String agent) {
        JsonNode entry = api.agent(agent);
        return entry.isMissingNode() ? null : entry.path("status").path("overloaded").asBoolean();
    }
}

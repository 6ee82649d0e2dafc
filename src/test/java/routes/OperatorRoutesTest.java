package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/** Routes in the operator's directory replace built-in ones with the same id, at start and while running. */
class OperatorRoutesTest {

    private static final String QUEUES_ROUTE = """
            - route:
                id: list-queues
                from:
                  uri: direct:list-queues
                  steps:
                    - setBody:
                        constant: '{"version": %d}'
            """;

    @Test
    void anOperatorRouteReplacesTheBuiltInOneAndIsReloadedLive(@TempDir Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("operator-routes"));
        write(routes, 1);
        try (Cluster cluster = new Cluster(dir).control("--caravan.routes-dir=" + routes)) {
            Api api = cluster.api();
            assertThat(api.get("/api/queues").body().path("version").asInt()).isEqualTo(1);
            write(routes, 2);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/queues").body().path("version").asInt() == 2);
            // the rest of the API is untouched
            assertThat(api.get("/api/agents").status()).isEqualTo(200);
            assertThat(api.get("/api/openapi.json").body().path("info").path("title").asText()).isEqualTo("Caravan API");
        }
    }

    private static void write(Path routes, int version) throws IOException {
        Path temp = routes.getParent().resolve("queues.yaml.tmp");
        Files.writeString(temp, QUEUES_ROUTE.formatted(version));
        Files.move(temp, routes.resolve("queues.yaml"), StandardCopyOption.ATOMIC_MOVE);
    }
}

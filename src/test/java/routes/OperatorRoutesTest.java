package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Routes in the operator's directory replace built-in ones with the same id, at start and while running; a
 * file's routes follow the file, and the built-in ones come back when it goes.
 */
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

    private static final String EXTRA_ROUTE = """
            - route:
                id: operator-extra
                from:
                  uri: direct:operator-extra
                  steps:
                    - setBody:
                        constant: extra
            """;

    @Test
    void anOperatorRouteReplacesTheBuiltInOneAndIsReloadedLive(@TempDir Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("operator-routes"));
        write(routes, QUEUES_ROUTE.formatted(1));
        try (Cluster cluster = new Cluster(dir).control("--caravan.routes-dir=" + routes)) {
            Api api = cluster.api();
            assertThat(api.get("/api/queues").body().path("version").asInt()).isEqualTo(1);
            write(routes, QUEUES_ROUTE.formatted(2));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/queues").body().path("version").asInt() == 2);
            // the rest of the API is untouched
            assertThat(api.get("/api/agents").status()).isEqualTo(200);
            assertThat(api.get("/api/openapi.json").body().path("info").path("title").asText()).isEqualTo("Caravan API");
        }
    }

    @Test
    void routesLeaveWithTheirFileAndTheBuiltInOneTheyReplacedComesBack(@TempDir Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("operator-routes"));
        write(routes, QUEUES_ROUTE.formatted(1) + EXTRA_ROUTE);
        try (Cluster cluster = new Cluster(dir).control("--caravan.routes-dir=" + routes)) {
            Api api = cluster.api();
            CamelContext camel = cluster.controlContext().getBean(CamelContext.class);
            assertThat(api.get("/api/queues").body().path("version").asInt()).isEqualTo(1);
            assertThat(camel.getRoute("operator-extra")).isNotNull();

            // the file no longer holds operator-extra: that route stops and goes
            write(routes, QUEUES_ROUTE.formatted(2));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/queues").body().path("version").asInt() == 2 && camel.getRoute("operator-extra") == null);

            // the file is deleted: its routes go, and the built-in list-queues answers again
            Files.delete(routes.resolve("queues.yaml"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !api.get("/api/queues").body().has("version"));
            assertThat(api.get("/api/queues").status()).isEqualTo(200);
            assertThat(camel.getRoute("list-queues").getSourceResource().getLocation()).endsWith("routes/fleet-api.yaml");
            assertThat(camel.getRouteController().getRouteStatus("list-queues").isStarted()).isTrue();
        }
    }

    /** Written atomically (written beside, then moved in), as docs/operations.md asks of operators. */
    private static void write(Path routes, String yaml) throws IOException {
        Path temp = routes.getParent().resolve("queues.yaml.tmp");
        Files.writeString(temp, yaml);
        Files.move(temp, routes.resolve("queues.yaml"), StandardCopyOption.ATOMIC_MOVE);
    }
}

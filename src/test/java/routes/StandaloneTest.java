package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import routes.support.Api;

/**
 * The quick start: one JVM, no services, a generated admin token, and a task that runs.
 * The standalone role runs on its embedded stores whatever the pass: the pass on external stores skips it.
 */
@DisabledIf("routes.support.TestStores#external")
class StandaloneTest {

    @TempDir
    static Path dataDir;
    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(CaravanApplication.class).run(
                "--server.port=0", "--caravan.data-dir=" + dataDir, "--camel.main.name=standalone",
                "--spring.quartz.scheduler-name=standalone");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void standaloneRunsATaskWithEmbeddedStoresAndAGeneratedToken() throws Exception {
        Path tokenFile = dataDir.resolve("admin-token");
        assertThat(Files.getPosixFilePermissions(tokenFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String token = Files.readString(tokenFile).trim();
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        Api api = new Api(((WebServerApplicationContext) app).getWebServer().getPort(), token);

        String id = api.submit("{\"command\": [\"echo\", \"hello\"]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        assertThat(api.task(id).path("stdout").asText()).isEqualTo("hello\n");
        assertThat(Set.of(dataDir.toFile().list())).contains("admin-token", "db", "redis");
    }

    /** hawtio, metrics and logs name routes by id: none may be left to Camel's route1, route2, ... */
    @Test
    void everyRouteHasAnId() {
        // standalone runs every built-in route: the control's, the agent's and the OpenAPI document's
        assertThat(app.getBean(CamelContext.class).getRoutes()).extracting(Route::getRouteId)
                .contains("openapi", "agent-claim", "plan-fires")
                .noneMatch(id -> id.matches("route\\d+"));
    }
}

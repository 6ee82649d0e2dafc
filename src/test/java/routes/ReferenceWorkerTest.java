package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * ops/workers/caravan_worker.py, run as real python3 processes against a control node: it leases, works and reports;
 * killed mid-task (SIGKILL), its task is leased again by another worker process once the lease expires.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceWorkerTest {

    private static final Path WORKER = Path.of("ops/workers/caravan_worker.py");

    private Cluster cluster;
    private Api api;
    private String token;
    private Path dir;
    private final List<Process> workers = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        cluster = new Cluster(dir).control();
        api = cluster.api();
        token = api.workerToken("py");
    }

    @AfterAll
    void stop() {
        workers.forEach(Process::destroyForcibly);
        cluster.close();
    }

    private Process worker(String id) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("python3", WORKER.toString(), "--url", api.base(), "--id", id,
                "--types", "py", "--capacity", "2", "--lease-seconds", "2", "--wait-seconds", "5")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile());
        // the token through the environment, as in production: never on a command line others can read
        builder.environment().put("CARAVAN_TOKEN", token);
        Process process = builder.start();
        workers.add(process);
        return process;
    }

    private JsonNode task(String id) {
        return api.task(id);
    }

    @Test
    void theReferenceWorkerLeasesWorksAndReportsAndAKilledOnesTaskRunsOnAnother() throws Exception {
        Process first = worker("py-1");
        String echo = api.submit("{\"type\": \"py\", \"payload\": {\"word\": \"hello\"}}");
        String failing = api.submit("{\"type\": \"py\", \"payload\": {\"fail\": \"no such image\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> task(echo).path("state").asText().equals("SUCCEEDED"));
        assertThat(task(echo).path("result").path("echo").path("word").asText()).isEqualTo("hello");
        assertThat(task(echo).path("agent").asText()).isEqualTo("py-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> task(failing).path("state").asText().equals("FAILED"));
        assertThat(task(failing).path("events").findValuesAsText("message")).contains("failed on py-1: no such image");

        // a task that outlasts its 2 s lease: the worker extends it while it works, until it is killed
        String slow = api.submit("{\"type\": \"py\", \"payload\": {\"sleep\": 6}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> task(slow).path("state").asText().equals("RUNNING"));
        Thread.sleep(3000);
        assertThat(task(slow).path("attempt").asInt()).as("extended past its first expiry").isEqualTo(1);
        first.destroyForcibly().waitFor(); // SIGKILL
        assertThat(first.exitValue()).isEqualTo(137);

        worker("py-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> task(slow).path("state").asText().equals("SUCCEEDED"));
        JsonNode done = task(slow);
        // the killed worker's lease request may still have been waiting, and leased it once more: that lease expires too
        assertThat(done.path("attempt").asInt()).as(done.path("events").toString()).isBetween(2, 3);
        assertThat(done.path("agent").asText()).isEqualTo("py-2");
        assertThat(done.path("events").findValuesAsText("message"))
                .anyMatch(m -> m.matches("(the lease of worker py-1 on attempt 1 expired;|worker py-1 stopped sending"
                        + " heartbeats: its lease is taken back,) task back in its queue"))
                .contains("dispatched to py-2", "succeeded on py-2");
        assertThat(Files.readString(dir.resolve("py-2.log")))
                .contains("leased " + slow + " (attempt " + done.path("attempt").asInt() + ")");
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import routes.support.Api;
import routes.support.NodeProcess;
import routes.support.Ports;

/**
 * Logs for pipelines (docs/operations.md, "Logs"): with logging.structured.format.console=ecs a node writes one JSON
 * object a line, and each line about a task carries the task, its attempt and its agent, a job's fire its job; no
 * line carries a task it is not about. Without the setting the lines are text for people. The node is a standalone one,
 * on its embedded stores whatever the pass: the pass on external stores would repeat it, so skips it.
 */
@DisabledIf("routes.support.TestStores#external")
class JsonLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withJsonLogsEachLineAboutATaskCarriesItsIdAttemptAndAgent(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        // one slot: both tasks run on the same runner thread, one after the other
        try (NodeProcess node = NodeProcess.standalone(dir, "json", port, "--logging.structured.format.console=ecs",
                "--logging.level.routes=INFO", "--caravan.agent.id=worker", "--caravan.agent.slots=1")) {
            node.awaitReady(port, Duration.ofSeconds(180));
            Api api = new Api(port, Files.readString(dir.resolve("json/admin-token")).trim());
            String first = api.submit("{\"command\": [\"true\"]}");
            String second = api.submit("{\"command\": [\"false\"]}");
            String job = api.createJob("{\"name\": \"logged\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"},"
                    + " \"task\": {\"command\": [\"true\"]}}");
            String run = api.post("/api/jobs/" + job + "/run", "").text("taskId");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> ended(api, first) && ended(api, second) && ended(api, run));
            // the last lines (the record of the ends) follow the commit
            await().atMost(Duration.ofSeconds(10)).until(() -> about(node, second).stream()
                    .anyMatch(line -> line.path("message").asText().contains("FAILED")));

            List<JsonNode> lines = node.output().stream().map(JsonLogsTest::parse).toList();
            assertThat(lines).isNotEmpty();
            for (String task : List.of(first, second)) {
                List<JsonNode> its = about(node, task);
                assertThat(its).extracting(line -> line.path("message").asText())
                        .anyMatch(m -> m.contains("DISPATCHED"))               // control: dispatch
                        .anyMatch(m -> m.startsWith("Started task " + task))    // agent runner
                        .anyMatch(m -> m.contains("(attempt 1) ended"))         // agent runner
                        .anyMatch(m -> m.contains("SUCCEEDED") || m.contains("FAILED")); // control: results
                // from its dispatch on, every line about the task names its attempt and agent
                its.stream().filter(line -> !line.path("message").asText().contains("submitted")).forEach(line -> {
                    assertThat(line.at("/caravan/attempt").asText()).as(line.toString()).isEqualTo("1");
                    assertThat(line.at("/caravan/agent").asText()).as(line.toString()).isEqualTo("worker");
                });
            }
            // a line that names a task carries that task, never one run before it on the same thread
            for (JsonNode line : lines) {
                String message = line.path("message").asText();
                for (String task : List.of(first, second)) {
                    if (message.contains(task)) {
                        assertThat(line.at("/caravan/task").asText()).as(line.toString()).isEqualTo(task);
                    }
                }
            }
            // a job's fire, and the task it made, carry the job
            assertThat(lines).filteredOn(line -> line.at("/caravan/job").asText().equals(job))
                    .extracting(line -> line.path("message").asText())
                    .anyMatch(m -> m.startsWith("Job " + job + ": fire due at") && m.contains("FIRED"))
                    .anyMatch(m -> m.startsWith("Task " + run + " QUEUED"));
        }
    }

    @Test
    void byDefaultTheLinesAreTextForPeople() throws IOException {
        // Spring Boot writes text unless a structured format is set: no shipped profile sets one
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        for (Resource file : new PathMatchingResourcePatternResolver().getResources("classpath:application*.yml")) {
            for (PropertySource<?> document : yaml.load(file.getFilename(), file)) {
                assertThat(document.getProperty("logging.structured.format.console")).as(file.getFilename()).isNull();
            }
        }
    }

    private static boolean ended(Api api, String task) {
        String state = api.task(task).path("state").asText();
        return state.equals("SUCCEEDED") || state.equals("FAILED");
    }

    /** The node's lines whose context names the task. */
    private static List<JsonNode> about(NodeProcess node, String task) {
        return node.output().stream().map(JsonLogsTest::parse)
                .filter(line -> line.at("/caravan/task").asText().equals(task)).toList();
    }

    /** One line of the log as JSON: each line is one object, whatever wrote it. */
    private static JsonNode parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON line: " + line, e);
        }
    }
}

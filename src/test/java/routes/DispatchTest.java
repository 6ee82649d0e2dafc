package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hawt.springboot.HawtioEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.web.SecurityFilterChain;
import routes.health.AgentHealthServer;
import routes.support.Api;
import routes.support.Cluster;

/**
 * The dispatch spine with a control node and agents as separate nodes over the real stores: how tasks find
 * their agent, run, and end up in the record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatchTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Path dir;
    private Cluster cluster;
    private Api api;
    private ConfigurableApplicationContext agentA2;

    @BeforeAll
    void startCluster(@TempDir Path dir) {
        this.dir = dir;
        cluster = new Cluster(dir.resolve("nodes")).control();
        api = cluster.api();
        cluster.agent("a1", 2, "default,slots", Map.of("zone", "a"), "--caravan.agent.output-cap=1KB");
        agentA2 = cluster.agent("a2", 2, "default", Map.of("zone", "b"));
        await().atMost(WAIT).until(() -> api.get("/api/agents").body().size() == 2);
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aCommandRunsOnAnAgentAndItsOutcomeIsRecorded() {
        String id = api.submit("""
                {"command": ["sh", "-c", "echo \\"$GREETING from $PWD\\"; echo oops >&2"], "env": {"GREETING": "hi"},
                 "workdir": "/tmp", "timeoutSeconds": 30, "priority": "normal"}""");
        JsonNode task = finished(id);
        assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.path("exitCode").asInt()).isZero();
        assertThat(task.path("stdout").asText()).isEqualTo("hi from /tmp\n");
        assertThat(task.path("stderr").asText()).isEqualTo("oops\n");
        assertThat(task.path("agent").asText()).isIn("a1", "a2");
        assertThat(states(task)).containsExactly("QUEUED", "DISPATCHED", "RUNNING", "SUCCEEDED");
        for (String field : List.of("createdAt", "dispatchedAt", "startedAt", "finishedAt")) {
            assertThat(task.path(field).asText()).as(field).isNotEmpty();
        }
    }

    @Test
    void aCommandIsAnArgumentVectorNotAShellLine() {
        String id = api.submit("{\"command\": [\"echo\", \"$HOME; rm -rf /\"]}");
        assertThat(finished(id).path("stdout").asText()).isEqualTo("$HOME; rm -rf /\n");
        String shell = api.submit("{\"shell\": \"echo $((6 * 7))\"}");
        assertThat(finished(shell).path("stdout").asText()).isEqualTo("42\n");
    }

    @Test
    void aNonZeroExitIsAFailureWithItsExitCode() {
        JsonNode task = finished(api.submit("{\"shell\": \"exit 7\"}"));
        assertThat(task.path("state").asText()).isEqualTo("FAILED");
        assertThat(task.path("exitCode").asInt()).isEqualTo(7);
    }

    @Test
    void aProgramThatCannotStartFailsWithTheReason() {
        JsonNode task = finished(api.submit("{\"command\": [\"/no/such/program\"]}"));
        assertThat(task.path("state").asText()).isEqualTo("FAILED");
        assertThat(task.path("message").asText()).contains("cannot start /no/such/program");
    }

    @Test
    void theAgentsEnvironmentDoesNotLeakIntoCommands() {
        JsonNode task = finished(api.submit("{\"command\": [\"env\"], \"env\": {\"MINE\": \"1\"}}"));
        assertThat(task.path("stdout").asText()).contains("MINE=1", "CARAVAN_TASK_ID=").doesNotContain("HOME=");
    }

    @Test
    void labelsAndPinningChooseTheAgent() {
        String zoneB = api.submit("{\"command\": [\"true\"], \"labels\": {\"zone\": \"b\"}}");
        String pinnedA1 = api.submit("{\"command\": [\"true\"], \"agent\": \"a1\"}");
        String nowhere = api.submit("{\"command\": [\"true\"], \"labels\": {\"zone\": \"c\"}}");
        String pinnedNobody = api.submit("{\"command\": [\"true\"], \"agent\": \"a9\"}");
        assertThat(finished(zoneB).path("agent").asText()).isEqualTo("a2");
        assertThat(finished(pinnedA1).path("agent").asText()).isEqualTo("a1");
        // a later task has gone all the way through, so dispatch passes have seen the unmatched ones
        finished(api.submit("{\"command\": [\"true\"]}"));
        assertThat(api.task(nowhere).path("state").asText()).isEqualTo("QUEUED");
        assertThat(api.task(pinnedNobody).path("state").asText()).isEqualTo("QUEUED");
        api.post("/api/tasks/" + nowhere + "/cancel", "");
        api.post("/api/tasks/" + pinnedNobody + "/cancel", "");
    }

    @Test
    void anAgentWithTwoSlotsNeverRunsThree() throws IOException {
        Path markers = Files.createDirectories(dir.resolve("slots"));
        // each task marks itself running, reports how many are running, and holds its slot for a while
        String script = "touch " + markers + "/$CARAVAN_TASK_ID; ls " + markers + " | wc -l; sleep 0.3; rm "
                + markers + "/$CARAVAN_TASK_ID";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(api.submit("{\"type\": \"slots\", \"shell\": \"" + script + "\"}"));
        }
        int most = 0;
        for (String id : ids) {
            JsonNode task = finished(id);
            assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
            most = Math.max(most, Integer.parseInt(task.path("stdout").asText().trim()));
        }
        assertThat(most).isEqualTo(2);
    }

    @Test
    void urgentTasksOfATypeAreTakenBeforeNormalOnes() {
        // no agent takes type "prio" yet: everything queues up, normal ones first
        List<String> normal = new ArrayList<>();
        List<String> urgent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            normal.add(api.submit("{\"type\": \"prio\", \"command\": [\"true\"], \"priority\": \"normal\"}"));
        }
        for (int i = 0; i < 3; i++) {
            urgent.add(api.submit("{\"type\": \"prio\", \"command\": [\"true\"], \"priority\": \"urgent\"}"));
        }
        JsonNode queues = api.get("/api/queues").body();
        assertThat(queues.findValues("type").stream().map(JsonNode::asText)).contains("prio");
        ConfigurableApplicationContext agent = cluster.agent("a3", 1, "prio", Map.of());
        try {
            List<JsonNode> done = new ArrayList<>();
            normal.forEach(id -> done.add(finished(id)));
            urgent.forEach(id -> done.add(finished(id)));
            done.sort(Comparator.comparing(t -> t.path("dispatchedAt").asText()));
            assertThat(done.subList(0, 3)).allSatisfy(t -> assertThat(t.path("priority").asText()).isEqualTo("urgent"));
        } finally {
            cluster.stop(agent);
        }
    }

    @Test
    void theSameKeyReturnsTheSameTask() {
        String body = "{\"command\": [\"true\"], \"key\": \"order-42\"}";
        Api.Response first = api.post("/api/tasks", body);
        Api.Response again = api.post("/api/tasks", body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("id")).isEqualTo(first.text("id"));
        Api.Response otherType = api.post("/api/tasks", "{\"type\": \"slots\", \"command\": [\"true\"], \"key\": \"order-42\"}");
        assertThat(otherType.status()).isEqualTo(201);
        assertThat(otherType.text("id")).isNotEqualTo(first.text("id"));
        finished(first.text("id"));
        assertThat(api.get("/api/tasks?type=default&limit=500").body().path("tasks").findValues("key").stream()
                .filter(k -> k.asText().equals("order-42")).count()).isEqualTo(1);
    }

    @Test
    void aBatchIsSubmittedInOneRequest() {
        Api.Response response = api.post("/api/tasks/batch",
                "{\"tasks\": [{\"command\": [\"echo\", \"one\"]}, {\"command\": [\"echo\", \"two\"]}]}");
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).hasSize(2);
        List<String> outputs = new ArrayList<>();
        response.body().forEach(s -> outputs.add(finished(s.path("task").path("id").asText()).path("stdout").asText()));
        assertThat(outputs).containsExactly("one\n", "two\n");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws IOException {
        Path pidFile = dir.resolve("orphan.pid");
        // the background sleep is re-parented away from the task's shell: only a process-group kill reaches it
        String id = api.submit("{\"shell\": \"(sleep 300 & echo $! > " + pidFile + "); sleep 300\", \"timeoutSeconds\": 1}");
        JsonNode task = finished(id);
        assertThat(task.path("state").asText()).isEqualTo("TIMED_OUT");
        long orphan = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(WAIT).until(() -> ProcessHandle.of(orphan).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void outputPastTheCapIsCutAndMarked() {
        String id = api.submit("{\"agent\": \"a1\", \"command\": [\"printf\", \"%05000d\", \"0\"]}");
        JsonNode task = finished(id);
        assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.path("stdout").asText()).hasSize(1024).matches("0+");
        assertThat(task.path("stdoutTruncated").asBoolean()).isTrue();
        assertThat(task.path("stderrTruncated").asBoolean()).isFalse();
    }

    @Test
    void aQueuedTaskIsCancelled() {
        String id = api.submit("{\"type\": \"nobody-takes-this\", \"command\": [\"true\"]}");
        Api.Response cancelled = api.post("/api/tasks/" + id + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.text("state")).isEqualTo("CANCELLED");
        JsonNode queues = api.get("/api/queues").body();
        queues.forEach(q -> {
            if (q.path("type").asText().equals("nobody-takes-this")) {
                assertThat(q.path("normal").asInt()).isZero();
            }
        });
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(409);
    }

    @Test
    void aRunningTaskIsCancelledAndKilled() throws IOException {
        Path pidFile = dir.resolve("cancel.pid");
        String id = api.submit("{\"shell\": \"echo $$ > " + pidFile + "; exec sleep 300\"}");
        await().atMost(WAIT).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0
                && api.task(id).path("state").asText().equals("RUNNING"));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").text("state")).isEqualTo("CANCELLED");
        await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        // the killed process's report arrives later and changes nothing
        await().atMost(WAIT).until(() -> states(api.task(id)).size() > 4);
        assertThat(api.task(id).path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void tasksAreListedWithFiltersAndPaging() {
        String id = api.submit("{\"shell\": \"exit 3\"}");
        finished(id);
        JsonNode failed = api.get("/api/tasks?state=FAILED&limit=500").body();
        assertThat(failed.path("tasks").findValues("id").stream().map(JsonNode::asText)).contains(id);
        assertThat(failed.path("tasks").findValues("state").stream().map(JsonNode::asText)).containsOnly("FAILED");
        JsonNode page = api.get("/api/tasks?limit=1&offset=0").body();
        assertThat(page.path("tasks")).hasSize(1);
        assertThat(page.path("total").asInt()).isGreaterThan(1);
        assertThat(api.get("/api/tasks?state=DONE").status()).isEqualTo(400);
        assertThat(api.get("/api/tasks?limit=abc").status()).isEqualTo(400);
    }

    @Test
    void anAgentStartsNoServletContainerNorTheSqlStoreAndServesItsHealthAlone() throws Exception {
        assertThat(agentA2).isNotInstanceOf(WebServerApplicationContext.class);
        for (Class<?> absent : List.of(DataSource.class, Scheduler.class, MeterRegistry.class, SecurityFilterChain.class,
                HawtioEndpoint.class)) {
            assertThat(agentA2.getBeanNamesForType(absent)).as(absent.getSimpleName()).isEmpty();
        }
        int port = agentA2.getBean(AgentHealthServer.class).port();
        HttpClient http = HttpClient.newHttpClient();
        for (String probe : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + probe))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(probe).isEqualTo(200);
            assertThat(answer.body()).as(probe).isEqualTo("{\"status\":\"UP\"}");
        }
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void agentsShowTheirResourcesSlotsAndLiveness() {
        JsonNode agents = api.get("/api/agents").body();
        JsonNode a1 = null;
        for (JsonNode agent : agents) {
            if (agent.path("status").path("id").asText().equals("a1")) {
                a1 = agent;
            }
        }
        assertThat(a1).isNotNull();
        assertThat(a1.path("alive").asBoolean()).isTrue();
        assertThat(a1.path("status").path("slots").asInt()).isEqualTo(2);
        assertThat(a1.path("status").path("labels").path("zone").asText()).isEqualTo("a");
        assertThat(a1.path("status").path("cores").asInt()).isPositive();
        assertThat(a1.path("status").path("memory").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void aRestartedAgentReportsWhatItWasRunningAndTakesWorkAgain() {
        String[] fastStop = {"--camel.main.shutdown-timeout=2"};
        ConfigurableApplicationContext agent = cluster.agent("a5", 1, "restart", Map.of(), fastStop);
        String running = api.submit("{\"type\": \"restart\", \"command\": [\"sleep\", \"300\"]}");
        await().atMost(WAIT).until(() -> api.task(running).path("state").asText().equals("RUNNING"));
        cluster.stop(agent);
        agent = cluster.agent("a5", 1, "restart", Map.of(), fastStop);
        try {
            JsonNode lost = finished(running);
            assertThat(lost.path("state").asText()).isEqualTo("FAILED");
            // its one slot is free again
            assertThat(finished(api.submit("{\"type\": \"restart\", \"command\": [\"true\"]}"))
                    .path("state").asText()).isEqualTo("SUCCEEDED");
        } finally {
            cluster.stop(agent);
        }
    }

    @Test
    void oneTypesBacklogDoesNotStarveAnother() {
        ConfigurableApplicationContext agent = cluster.agent("a6", 1, "fair-a,fair-b", Map.of());
        try {
            List<String> backlog = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                backlog.add(api.submit("{\"type\": \"fair-a\", \"command\": [\"sleep\", \"0.2\"]}"));
            }
            String other = api.submit("{\"type\": \"fair-b\", \"command\": [\"true\"]}");
            String otherDispatched = finished(other).path("dispatchedAt").asText();
            backlog.forEach(this::finished);
            String lastOfBacklog = finished(backlog.get(backlog.size() - 1)).path("dispatchedAt").asText();
            assertThat(otherDispatched).isLessThan(lastOfBacklog);
        } finally {
            cluster.stop(agent);
        }
    }

    @Test
    void aVeryLongReasonIsCutNotFatal() {
        String program = "/nonexistent/" + "x".repeat(1100);
        String failed = api.submit("{\"command\": [\"" + program + "\"]}");
        String fine = api.submit("{\"command\": [\"true\"]}");
        JsonNode task = finished(failed);
        assertThat(task.path("state").asText()).isEqualTo("FAILED");
        assertThat(task.path("message").asText()).startsWith("cannot start /nonexistent/").hasSize(1000);
        assertThat(finished(fine).path("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void anAgentHoldsNoDatabaseCredentialsNorAnApi() {
        assertThat(agentA2.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
        assertThat(agentA2.getEnvironment().getProperty("spring.datasource.url")).isNull();
        assertThat(agentA2.getBeanNamesForType(routes.api.ApiGuard.class)).isEmpty();
    }

    private JsonNode finished(String id) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            String state = api.task(id).path("state").asText();
            return !List.of("QUEUED", "DISPATCHED", "RUNNING").contains(state);
        });
        return api.task(id);
    }

    private static List<String> states(JsonNode task) {
        return task.path("events").findValues("state").stream().map(JsonNode::asText).toList();
    }
}

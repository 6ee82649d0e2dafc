package routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import routes.support.Api;
import routes.support.Cluster;

/** The API's edge: who gets in, and what bad input gets back. Nothing refused is stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiEdgeTest {

    private Cluster cluster;
    private Api api;

    @BeforeAll
    void startControl(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.security.max-request-size=4KB");
        api = cluster.api();
    }

    @AfterAll
    void stopControl() {
        cluster.close();
    }

    static Stream<Arguments> badSubmissions() {
        return Stream.of(
                Arguments.of("{\"command\": ", "malformed JSON"),
                Arguments.of("[1, 2]", "JSON object"),
                Arguments.of("{}", "command is required"),
                Arguments.of("{\"command\": []}", "non-empty array"),
                Arguments.of("{\"command\": \"echo hi\"}", "non-empty array"),
                Arguments.of("{\"command\": [\"echo\", 1]}", "only strings"),
                Arguments.of("{\"command\": [\"\"]}", "must not be empty"),
                Arguments.of("{\"command\": [\"true\"], \"shell\": \"true\"}", "not both"),
                Arguments.of("{\"shell\": \"  \"}", "shell must not be empty"),
                Arguments.of("{\"command\": [\"true\"], \"priority\": \"high\"}", "priority must be"),
                Arguments.of("{\"command\": [\"true\"], \"timeoutSeconds\": -5}", "timeoutSeconds must be"),
                Arguments.of("{\"command\": [\"true\"], \"timeoutSeconds\": \"10\"}", "timeoutSeconds must be"),
                Arguments.of("{\"command\": [\"true\"], \"timeoutSeconds\": 1.5}", "timeoutSeconds must be"),
                Arguments.of("{\"command\": [\"true\"], \"timeoutSeconds\": 18446744073709551621}", "timeoutSeconds must be"),
                Arguments.of("{\"command\": [\"true\"], \"env\": [\"A=1\"]}", "env must be an object"),
                Arguments.of("{\"command\": [\"true\"], \"env\": {\"A\": 1}}", "env.A must be a string"),
                Arguments.of("{\"command\": [\"true\"], \"labels\": \"zone=a\"}", "labels must be an object"),
                Arguments.of("{\"command\": [\"true\"], \"type\": \"../etc\"}", "type must match"),
                Arguments.of("{\"command\": [\"true\"], \"type\": 7}", "type must be a string"),
                Arguments.of("{\"command\": [\"true\"], \"agent\": \"a b\"}", "agent must match"),
                Arguments.of("{\"command\": [\"true\"], \"workdir\": \"tmp\"}", "absolute path"),
                Arguments.of("{\"command\": [\"true\"], \"key\": \"\"}", "key must be"),
                Arguments.of("{\"command\": [\"true\"], \"comand\": [\"x\"]}", "comand is not a task field"),
                Arguments.of("{\"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"99999999999999d\"}}",
                        "retry.backoff must be a duration from 1ms to 7d"),
                Arguments.of("{\"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2, \"maxBackoff\": \"8d\"}}",
                        "retry.maxBackoff must be a duration from 1ms to 7d"),
                Arguments.of("{\"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"9999999999999999999999d\"}}",
                        "retry.backoff must be a duration"));
    }

    @ParameterizedTest
    @MethodSource("badSubmissions")
    void badInputIsRefusedWithAClearMessageAndStoresNothing(String body, String message) {
        long before = total();
        Api.Response response = api.post("/api/tasks", body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text("message")).contains(message);
        assertThat(response.body().toString()).doesNotContain("Exception").doesNotContain("at routes.");
        assertThat(total()).isEqualTo(before);
    }

    @Test
    void aBatchWithOneBadTaskStoresNone() {
        long before = total();
        Api.Response response = api.post("/api/tasks/batch",
                "{\"tasks\": [{\"command\": [\"true\"]}, {\"command\": []}]}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text("message")).startsWith("tasks[1].command");
        assertThat(total()).isEqualTo(before);
    }

    @Test
    void anUnknownTaskIs404() {
        Api.Response response = api.get("/api/tasks/no-such-task");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text("message")).contains("no task with id no-such-task");
        assertThat(api.post("/api/tasks/no-such-task/cancel", "").status()).isEqualTo(404);
    }

    @Test
    void everyApiPathNeedsTheToken() {
        for (String path : new String[] {"/api/tasks", "/api/agents", "/api/queues", "/api/tasks/x", "/actuator/prometheus",
                "/actuator/hawtio/", "/actuator/camelroutes", "/api/openapi.json"}) {
            Api.Response anonymous = api.send(api.request(path).GET(), null);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.text("message")).contains("Bearer");
            assertThat(api.send(api.request(path).GET(), "wrong-token").status()).as(path).isEqualTo(401);
        }
        assertThat(api.send(api.request("/actuator/jolokia").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"version\"}")), null).status()).isEqualTo(401);
        Api.Response submit = api.send(api.request("/api/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\": [\"true\"]}")), null);
        assertThat(submit.status()).isEqualTo(401);
        assertThat(api.send(api.request("/actuator/health").GET(), null).status()).isEqualTo(200);
        // the open health path is no way around the guard
        for (String sneaky : new String[] {"/actuator/health/../prometheus", "/actuator/health/%2e%2e/prometheus",
                "/actuator/health;x/../prometheus", "/actuator/healthz/../../api/tasks", "/API/tasks", "//api/tasks"}) {
            assertThat(api.send(api.request(sneaky).GET(), null).status()).as(sneaky).isIn(400, 401, 404);
        }
    }

    @Test
    void responsesDoNotEchoRequestHeaders() {
        Api.Response response = api.send(api.request("/api/queues").header("Cookie", "session=secret")
                .header("X-Trace", "abc").GET(), Cluster.TOKEN);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("authorization")
                || name.equalsIgnoreCase("cookie") || name.equalsIgnoreCase("x-trace"));
        Api.Response refused = api.post("/api/tasks", "{}");
        assertThat(refused.headers().firstValue("authorization")).isEmpty();
    }

    @Test
    void errorsOutsideTheRoutesAreJsonWithAMessageToo() {
        Api.Response unknown = api.get("/api/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("message")).isEqualTo("no such path: /api/nothing-here");
        Api.Response form = api.send(api.request("/api/tasks").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hi")), Cluster.TOKEN);
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.text("message")).contains("Content-Type: application/json");
    }

    @Test
    void concurrentSubmissionsWithOneKeyMakeOneTask() throws Exception {
        String body = "{\"type\": \"race\", \"command\": [\"true\"], \"key\": \"race-" + System.nanoTime() + "\"}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> api.post("/api/tasks", body)));
            }
            Set<String> ids = new HashSet<>();
            int created = 0;
            for (Future<Api.Response> answer : answers) {
                Api.Response response = answer.get();
                assertThat(response.status()).isIn(200, 201);
                created += response.status() == 201 ? 1 : 0;
                ids.add(response.text("id"));
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hawtioShowsTheRoutesToTokenHolders() {
        assertThat(api.get("/actuator/hawtio/").status()).isEqualTo(200);
        Api.Response routes = api.post("/actuator/jolokia", "{\"type\": \"search\", \"mbean\": \"org.apache.camel:type=routes,*\"}");
        assertThat(routes.status()).isEqualTo(200);
        assertThat(routes.body().path("value").toString()).contains("submit-task", "dispatch-pass");
    }

    @Test
    void anOversizedBodyIs413() {
        long before = total();
        String big = "{\"command\": [\"echo\", \"" + "x".repeat(5000) + "\"]}";
        Api.Response response = api.post("/api/tasks", big);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.text("message")).contains("over the limit");
        assertThat(total()).isEqualTo(before);
    }

    private long total() {
        return api.get("/api/tasks?limit=1").body().path("total").asLong();
    }
}

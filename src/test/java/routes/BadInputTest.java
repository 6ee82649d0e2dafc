package routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.Socket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Whatever a client sends, the answer is either accepted or a 4xx JSON error whose message says what to fix: never a
 * 5xx, a stack trace, a library's class or setting name, or an HTML page; a refused request stores nothing; and the
 * server still serves afterwards. Known cases first, then cases generated from valid requests of every POST and PUT
 * endpoint (each field replaced by each kind of wrong value) and every query parameter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "{\"type\": \"never-run\", \"command\": [\"echo\", \"hi\"], \"env\": {\"A\": \"1\"},"
            + " \"labels\": {\"zone\": \"a\"}, \"timeoutSeconds\": 60, \"priority\": \"normal\","
            + " \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1s\", \"maxBackoff\": \"1m\", \"onTimeout\": true}}";
    private static final String JOB = "{\"name\": \"generated\", \"paused\": true, \"schedule\": {\"cron\": \"0 0 3 * * ?\","
            + " \"timeZone\": \"Europe/Berlin\"}, \"overlap\": \"forbid\", \"maxRunning\": 1, \"misfire\": \"skip\","
            + " \"keepRuns\": 10, \"task\": " + TASK + "}";
    private static final String RESIDENT = "{\"name\": \"generated\", \"instances\": 0, \"restartBackoff\": \"1s\","
            + " \"maxRestartBackoff\": \"1m\", \"task\": {\"type\": \"never-run\", \"command\": [\"sleep\", \"60\"],"
            + " \"env\": {\"A\": \"1\"}, \"labels\": {\"zone\": \"a\"}}}";
    private static final String VERSION = "{\"project\": \"shop\", \"version\": \"1.0.0\", \"url\": \"http://127.0.0.1:1/shop.tar.gz\","
            + " \"sha256\": \"" + "a".repeat(64) + "\"}";
    private static final String BULK = "{\"type\": \"never-run-bulk\", \"agent\": \"nobody-bulk\", \"state\": \"QUEUED\"}";
    /** Wrong values of every JSON kind, and values at the edges of what a parser or a column takes. */
    private static final List<String> WRONG = List.of("18446744073709551621", "-1", "1.5", "\"\"", "\"x\"", "[]", "{}",
            "true", "\"\\u0000\"", "\"" + "x".repeat(5000) + "\"", "\"99999999999999d\"", "\"+999999999-12-31T23:59:59Z\"",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");

    private Cluster cluster;
    private Api api;
    private int port;
    private String jobId;
    private String residentId;
    private String taskId;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control();
        api = cluster.api();
        port = Integer.parseInt(api.request("/").build().uri().toString().replaceAll(".*:(\\d+)/$", "$1"));
        jobId = api.createJob(JOB.replace("generated", "existing"));
        Api.Response resident = api.post("/api/residents", RESIDENT.replace("generated", "existing"));
        assertThat(resident.status()).as(resident.body().toString()).isEqualTo(201);
        residentId = resident.text("id");
        taskId = api.submit(TASK);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void invalidUtf8IsRefused() {
        long before = count("/api/tasks");
        byte[] body = "{\"command\": [\"echo\", \"\u00e9\"]}".getBytes(StandardCharsets.ISO_8859_1);
        Api.Response response = api.send(api.request("/api/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), Cluster.TOKEN);
        assertRefused(response, 400);
        assertThat(response.text("message")).contains("UTF-8");
        assertThat(count("/api/tasks")).isEqualTo(before);
    }

    @Test
    void dataAfterTheJsonValueIsRefused() {
        assertRefusedAndNothingStored("/api/tasks", "{\"command\": [\"true\"]} xyz", "malformed JSON at line 1, column");
        assertRefusedAndNothingStored("/api/tasks", "{\"command\": [\"true\"]} {\"command\": [\"false\"]}",
                "more after the JSON value");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertRefusedAndNothingStored("/api/tasks", "{\"command\": [\"true\"], \"command\": [\"false\"]}", "appears twice");
    }

    @Test
    void unknownFieldsOfABatchAreRefused() {
        assertRefusedAndNothingStored("/api/tasks/batch", "{\"tasks\": [{\"command\": [\"true\"]}], \"priority\": \"urgent\"}",
                "priority is not a batch field");
    }

    @Test
    void deepNestingIsRefusedWithoutTheParsersSettingNames() {
        String deep = "{\"command\": " + "[".repeat(3000) + "]".repeat(3000) + "}";
        Api.Response response = assertRefusedAndNothingStored("/api/tasks", deep, "nested");
        assertThat(response.text("message")).doesNotContain("StreamReadConstraints").doesNotContain("getMax");
    }

    @Test
    void anUnknownQueryParameterIsRefusedByName() {
        Api.Response response = api.get("/api/tasks?status=FAILED");
        assertRefused(response, 400);
        assertThat(response.text("message")).contains("status is not a query parameter").contains("state");
        assertRefused(api.get("/api/agents?verbose=1"), 400);
        assertThat(api.get("/api/tasks?state=FAILED&limit=5").status()).isEqualTo(200);
    }

    @Test
    void encodedPathsAndTheErrorPageAreJson() throws Exception {
        for (String path : List.of("/api/tasks/..%2Fx", "/api/tasks/%ff", "/api/tasks/%2e%2e/x", "/error", "/error/x")) {
            RawResponse response = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + Cluster.TOKEN + "\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).as(path).isBetween(400, 499);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("status").asInt()).as(path).isEqualTo(response.status());
            assertThat(body.path("message").asText()).as(path).isNotBlank();
        }
    }

    @Test
    void aMissingWorkdirSaysSo() {
        cluster.agent("edge-agent", 1, "edge", Map.of());
        String id = api.submit("{\"type\": \"edge\", \"command\": [\"true\"], \"workdir\": \"/no/such/dir\"}");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> api.task(id).path("state").asText().equals("FAILED"));
        assertThat(api.task(id).path("message").asText()).contains("working directory /no/such/dir does not exist");
    }

    /** Each field of a valid request replaced, in turn, by each wrong value: accepted or refused cleanly. */
    @TestFactory
    Stream<DynamicTest> generatedBodiesOfEveryPostAndPutEndpoint() {
        record Endpoint(String method, String path, String valid, String counted) {
        }
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/api/tasks", TASK, "/api/tasks"),
                new Endpoint("POST", "/api/tasks/batch", "{\"tasks\": [" + TASK + "]}", "/api/tasks"),
                new Endpoint("POST", "/api/jobs", JOB, "/api/jobs"),
                new Endpoint("PUT", "/api/jobs/" + jobId, JOB.replace("generated", "existing"), "/api/jobs"),
                new Endpoint("POST", "/api/residents", RESIDENT, "/api/residents"),
                new Endpoint("PUT", "/api/residents/" + residentId, RESIDENT.replace("generated", "existing"), "/api/residents"),
                new Endpoint("POST", "/api/residents/" + residentId + "/scale", "{\"instances\": 0}", "/api/residents"),
                new Endpoint("POST", "/api/versions", VERSION, "/api/versions"),
                new Endpoint("POST", "/api/jobs/preview", "{\"schedule\": {\"cron\": \"0 0 3 * * ?\", \"timeZone\":"
                        + " \"Europe/Berlin\"}, \"count\": 3}", "/api/jobs"),
                // a filter no task matches, whichever field is dropped or changed
                new Endpoint("POST", "/api/tasks/bulk-cancel", BULK, "/api/tasks"),
                new Endpoint("POST", "/api/tasks/bulk-retry", BULK, "/api/tasks"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            for (String[] mutation : mutations(endpoint.valid())) {
                tests.add(DynamicTest.dynamicTest(endpoint.method() + " " + endpoint.path() + " " + mutation[0], () -> {
                    long before = count(endpoint.counted());
                    HttpRequest.Builder request = api.request(endpoint.path()).header("Content-Type", "application/json")
                            .method(endpoint.method(), HttpRequest.BodyPublishers.ofString(mutation[1]));
                    Api.Response response = api.send(request, Cluster.TOKEN);
                    assertThat(response.status()).as(mutation[1]).isLessThan(500);
                    if (response.status() >= 400) {
                        assertRefused(response, response.status());
                        assertThat(count(endpoint.counted())).as("stored after a refusal").isEqualTo(before);
                    }
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("the server still serves", () ->
                assertThat(api.get("/api/tasks?limit=1").status()).isEqualTo(200)));
        return tests.stream();
    }

    /** Every query parameter of every list given values of the wrong kind, and an unknown one beside them. */
    @TestFactory
    Stream<DynamicTest> generatedQueryParameters() {
        Map<String, List<String>> lists = Map.of(
                "/api/tasks/" + taskId + "/output", List.of("stdoutFrom", "stderrFrom"),
                "/api/tasks", List.of("state", "type", "agent", "job", "broadcast", "resident", "exhausted", "limit", "offset"),
                "/api/jobs", List.of("limit", "offset"),
                "/api/jobs/" + jobId + "/next", List.of("count"),
                "/api/jobs/" + jobId + "/fires", List.of("limit", "offset"),
                "/api/jobs/" + jobId + "/runs", List.of("state", "limit", "offset"),
                "/api/residents", List.of("limit", "offset"));
        List<String> values = List.of("x", "-1", "0", "99999999999999999999", "%00", "%ff", "1.5", "", "true");
        List<DynamicTest> tests = new ArrayList<>();
        lists.forEach((path, parameters) -> {
            for (String parameter : parameters) {
                for (String value : values) {
                    tests.add(DynamicTest.dynamicTest(path + "?" + parameter + "=" + value, () -> {
                        Api.Response response = api.get(path + "?" + parameter + "=" + value);
                        assertThat(response.status()).isLessThan(500);
                        if (response.status() >= 400) {
                            assertRefused(response, response.status());
                        }
                    }));
                }
            }
            tests.add(DynamicTest.dynamicTest(path + "?" + parameters.get(parameters.size() - 1) + "=1 is served", () ->
                    assertThat(api.get(path + "?" + parameters.get(parameters.size() - 1) + "=1").status()).isEqualTo(200)));
            tests.add(DynamicTest.dynamicTest(path + "?typo=1", () -> {
                Api.Response response = api.get(path + "?typo=1");
                assertRefused(response, 400);
                assertThat(response.text("message")).contains("typo");
            }));
        });
        return tests.stream();
    }

    /** {name of the mutation, body}: each top-level field (and each field of "task") replaced by each wrong value. */
    private static List<String[]> mutations(String valid) {
        List<String[]> mutations = new ArrayList<>();
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(valid);
            List<String[]> paths = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                paths.add(new String[] {field});
                if (node.get(field).isObject()) {
                    for (Iterator<String> inner = node.get(field).fieldNames(); inner.hasNext(); ) {
                        paths.add(new String[] {field, inner.next()});
                    }
                }
            }
            for (String[] path : paths) {
                for (String wrong : WRONG) {
                    ObjectNode copy = node.deepCopy();
                    ObjectNode parent = path.length == 1 ? copy : (ObjectNode) copy.get(path[0]);
                    parent.set(path[path.length - 1], JSON.readTree(wrong));
                    mutations.add(new String[] {String.join(".", path) + "=" + abbreviate(wrong), copy.toString()});
                }
                ObjectNode without = node.deepCopy();
                (path.length == 1 ? without : (ObjectNode) without.get(path[0])).remove(path[path.length - 1]);
                mutations.add(new String[] {"without " + String.join(".", path), without.toString()});
            }
            mutations.add(new String[] {"unknown field", valid.replaceFirst("\\{", "{\"surprise\": 1, ")});
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return mutations;
    }

    private static String abbreviate(String text) {
        return text.length() > 24 ? text.substring(0, 24) + "..." : text;
    }

    private Api.Response assertRefusedAndNothingStored(String path, String body, String message) {
        long before = count("/api/tasks");
        Api.Response response = api.post(path, body);
        assertRefused(response, 400);
        assertThat(response.text("message")).contains(message);
        assertThat(count("/api/tasks")).isEqualTo(before);
        return response;
    }

    /** A refusal as every client may expect it: the status, JSON with a message, nothing of the server's insides. */
    private static void assertRefused(Api.Response response, int status) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.body().path("status").asInt()).isEqualTo(status);
        String message = response.text("message");
        assertThat(message).isNotBlank();
        assertThat(response.body().toString()).doesNotContain("Exception").doesNotContain("com.fasterxml")
                .doesNotContain("org.apache").doesNotContain("java.").doesNotContain("Feature.")
                .doesNotContain("Constraints").doesNotContain("<html");
    }

    /** How many of what a list endpoint lists are stored. */
    private long count(String list) {
        JsonNode body = api.get(list + (list.equals("/api/versions") ? "" : "?limit=1")).body();
        return body.isArray() ? body.size() : body.path("total").asLong();
    }

    private record RawResponse(int status, String body) {
    }

    /** A request sent as written, byte for byte: HTTP clients refuse to send some of these paths. */
    private RawResponse raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            if (text.contains("Transfer-Encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
            }
            return new RawResponse(status, body);
        }
    }
}

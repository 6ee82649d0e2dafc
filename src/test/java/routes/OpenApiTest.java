package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import routes.alert.AlertNotice;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.OpenApiDocument;

/**
 * /api/openapi.json is a valid OpenAPI description of every REST operation, with its parameters, bodies, answers
 * and bearer security, and it tells the truth: real requests built as it says are taken, and every operation's real
 * answers read as its schemas say, as strictly as a generated client reads them.
 * The description is the same whatever the stores: the pass on external stores skips it.
 */
@DisabledIf("routes.support.TestStores#external")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = "openapi-agent";

    private Cluster cluster;
    private Api api;
    private String description;
    private OpenApiDocument requests;
    private OpenApiDocument answers;
    private final Set<String> answered = new TreeSet<>();

    @BeforeAll
    void start(@TempDir Path dir) throws JsonProcessingException {
        // callbacks on, to a receiver that is never reached: the job that names one never fires
        cluster = new Cluster(dir).control("--caravan.alerts.check-millis=200",
                "--caravan.metrics.gauge-refresh-millis=200", "--caravan.callbacks.secret=openapi-callback-secret",
                "--caravan.callbacks.allowed-urls[0]=https://hooks.example.com/caravan");
        cluster.agent(AGENT, 2, "default", Map.of("zone", "a"));
        api = cluster.api();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.agent(AGENT).path("alive").asBoolean());
        Api.Response response = api.send(api.request("/api/openapi.json").GET(), Cluster.TOKEN);
        assertThat(response.status()).isEqualTo(200);
        description = response.body().toString();
        requests = new OpenApiDocument(JSON.readTree(description));
        answers = new OpenApiDocument(JSON.readTree(description));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void anOpenApiValidatorFindsNothingWrong() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(description, null, options);

        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.0.");
    }

    @Test
    void theDescriptionNeedsTheTokenItDescribes() {
        assertThat(api.send(api.request("/api/openapi.json").GET(), null).status()).isEqualTo(401);
        JsonNode scheme = requests.json().path("components").path("securitySchemes").path("bearer");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        // every operation names the role it needs as the scope of the bearer requirement (AccessTest checks each)
        forEachOperation((method, path, operation) -> assertThat(operation.path("security").toString())
                .as(method + " " + path + " names its role").matches("\\[\\{\"bearer\":\\[\"(worker|viewer|operator|admin)\"]}]"));
    }

    @Test
    void everyRestOperationIsDescribedWithItsParametersBodyAndAnswers() {
        Set<String> declared = new TreeSet<>();
        for (RestDefinition rest : restDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
                String method = verb.asVerb().toLowerCase();
                String name = method + " " + path;
                declared.add(name);
                JsonNode operation = requests.operation(method, path);
                assertThat(operation.isMissingNode()).as(name).isFalse();
                assertThat(operation.path("summary").asText()).as(name + " summary").isNotBlank();

                for (ParamDefinition param : verb.getParams()) {
                    if (param.getType() == RestParamType.query) {
                        JsonNode described = parameter(operation, "query", param.getName());
                        assertThat(described.path("required").asBoolean(true)).as(name + " ?" + param.getName()).isFalse();
                        assertThat(described.at("/schema/type").asText()).as(name + " ?" + param.getName()).isNotBlank();
                    }
                }
                Matcher pathParams = Pattern.compile("\\{([^}]+)}").matcher(path);
                while (pathParams.find()) {
                    assertThat(parameter(operation, "path", pathParams.group(1)).path("required").asBoolean())
                            .as(name + " {" + pathParams.group(1) + "}").isTrue();
                }

                // the verbs that read a body consume JSON; the others (cancel, pause, drain, ...) take none
                if (verb.getConsumes() != null) {
                    assertThat(operation.at("/requestBody/required").asBoolean()).as(name + " body").isTrue();
                    assertThat(operation.at("/requestBody/content/application~1json/schema/$ref").asText())
                            .as(name + " body schema").isNotBlank();
                } else {
                    assertThat(operation.has("requestBody")).as(name + " takes no body").isFalse();
                }

                List<String> success = new ArrayList<>();
                operation.path("responses").fieldNames().forEachRemaining(code -> {
                    if (code.startsWith("2")) {
                        success.add(code);
                    }
                });
                assertThat(success).as(name + " answers").isNotEmpty();
                for (String code : success) {
                    JsonNode content = operation.path("responses").path(code).path("content");
                    if (code.equals("204")) {
                        assertThat(content.isMissingNode()).as(name + " " + code).isTrue();
                    } else {
                        assertThat(content.path("application/json").path("schema").isEmpty()).as(name + " " + code).isFalse();
                    }
                }
                assertThat(operation.at("/responses/default/content/application~1json/schema/$ref").asText())
                        .as(name + " errors").isEqualTo("#/components/schemas/ApiError");
            }
        }
        Set<String> described = new TreeSet<>();
        forEachOperation((method, path, operation) -> described.add(method + " " + path));
        assertThat(described).isEqualTo(declared);
    }

    @Test
    void realRequestsAndAnswersMatchTheDescription() throws JsonProcessingException {
        String sha256 = "ab".repeat(32);
        call("post", "/api/versions", null, """
                {"project": "shop", "version": "1.0", "url": "http://127.0.0.1:9/shop-1.0.tar.gz", "sha256": "%s"}
                """.formatted(sha256));

        String pinned = """
                {"type": "default", "command": ["echo", "hello"], "env": {"GREETING": "hi"}, "workdir": "/tmp",
                 "timeoutSeconds": 30, "priority": "urgent", "labels": {"zone": "a"}, "agent": "%s", "key": "order-42",
                 "retry": {"maxAttempts": 2, "backoff": "1s", "maxBackoff": "2s", "onTimeout": false}}
                """.formatted(AGENT);
        String echo = call("post", "/api/tasks", null, pinned).text("id");
        assertThat(call("post", "/api/tasks", null, pinned).status()).isEqualTo(200);
        // a type no agent takes: it never ends, so it never calls back
        call("post", "/api/tasks", null,
                "{\"type\": \"never-taken\", \"command\": [\"true\"], \"callback\": \"https://hooks.example.com/caravan/task\"}");
        JsonNode batch = call("post", "/api/tasks/batch", null, """
                {"tasks": [{"shell": "exit 3"}, {"command": ["true"], "code": {"project": "shop", "version": "1.0"}}]}
                """).body();
        // a type no agent takes: the workflow waits for ever, so its callback is never called
        String flow = """
                {"name": "openapi-flow", "key": "openapi-flow-1", "tasks": [
                  {"name": "first", "type": "nobody", "command": ["true"], "env": {"A": "1"}, "workdir": "/tmp",
                   "timeoutSeconds": 30, "priority": "urgent", "labels": {"zone": "a"}, "agent": "%s",
                   "retry": {"maxAttempts": 2}, "code": {"project": "shop", "version": "1.0"}},
                  {"name": "second", "type": "nobody", "shell": "true", "dependsOn": ["first"], "whenParentFails": "run",
                   "callback": "https://hooks.example.com/caravan/flow"},
                  {"name": "third", "type": "openapi-work", "payload": {"n": 3}, "dependsOn": ["first", "second"]}]}
                """.formatted(AGENT);
        String workflow = call("post", "/api/workflows", null, flow).text("id");
        assertThat(call("post", "/api/workflows", null, flow).status()).isEqualTo(200);
        call("get", "/api/workflows/{id}", null, null, workflow);
        call("get", "/api/workflows", "limit=10&offset=0", null);
        call("get", "/api/tasks", "workflow=" + workflow, null);
        String cancelled = call("post", "/api/workflows", null, """
                {"tasks": [{"name": "only", "type": "nobody", "command": ["true"]}]}""").text("id");
        call("delete", "/api/workflows/{id}", null, null, cancelled);
        String work = call("post", "/api/tasks", null, "{\"type\": \"openapi-work\", \"payload\": {\"n\": 1}}").text("id");
        call("post", "/api/workers/{id}", null, "{\"types\": [\"openapi-work\"], \"labels\": {\"zone\": \"a\"},"
                + " \"capacity\": 2}", "openapi-worker");
        call("post", "/api/workers/{id}/leases", null, "{\"max\": 1, \"waitSeconds\": 5, \"leaseSeconds\": 60}",
                "openapi-worker");
        call("post", "/api/workers/{id}/leases/{lease}/extend", null, "{\"leaseSeconds\": 60}", "openapi-worker",
                work + ":1");
        call("post", "/api/workers/{id}/leases/{lease}/report", null, "{\"outcome\": \"succeeded\", \"result\":"
                + " {\"ok\": true}, \"message\": \"done\"}", "openapi-worker", work + ":1");
        call("get", "/api/tasks/{id}", null, null, work);
        String failing = batch.path(0).path("task").path("id").asText();
        String waiting = batch.path(1).path("task").path("id").asText();
        assertThat(call("post", "/api/tasks", null, "{\"command\": [\"true\"], \"target\": \"all\"}").status())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(echo).path("state").asText().equals("SUCCEEDED")
                && api.task(failing).path("state").asText().equals("FAILED"));
        call("get", "/api/tasks/{id}", null, null, echo);
        call("get", "/api/tasks/{id}", null, null, failing);
        call("get", "/api/tasks", "limit=50&offset=0", null);
        call("get", "/api/tasks", "state=SUCCEEDED&type=default&agent=" + AGENT + "&job=j&broadcast=b&resident=r&key=k"
                + "&exhausted=false&limit=5&offset=0", null);
        call("get", "/api/queues", null, null);
        call("get", "/api/tasks/{id}", null, null, waiting);
        call("get", "/api/tasks/{id}/output", "stdoutFrom=0&stderrFrom=0", null, echo);
        call("get", "/api/dashboard", null, null);
        call("post", "/api/tasks/{id}/cancel", null, null, waiting);
        call("post", "/api/tasks/{id}/retry", null, null, waiting);
        String filter = """
                {"state": "QUEUED", "type": "nobody", "agent": "%s", "job": "j", "broadcast": "b", "resident": "r",
                 "key": "k", "exhausted": false, "workflow": "w"}
                """.formatted(AGENT);
        call("post", "/api/tasks/bulk-cancel", null, filter);
        call("post", "/api/tasks/bulk-retry", null, filter);
        call("post", "/api/jobs/preview", null, """
                {"schedule": {"cron": "0 9 * * 1-5", "timeZone": "Europe/Berlin"}, "count": 3}
                """);

        String cron = call("post", "/api/jobs", null, """
                {"name": "openapi-cron", "schedule": {"cron": "0 0 3 * * ?", "timeZone": "Europe/Berlin"},
                 "task": {"type": "nobody", "command": ["true"], "retry": {"maxAttempts": 2},
                          "code": {"project": "shop", "version": "1.0"},
                          "callback": "https://hooks.example.com/caravan/openapi"},
                 "overlap": "forbid", "maxRunning": 1, "misfire": "skip", "paused": false, "keepRuns": 100}
                """).text("id");
        String every = call("post", "/api/jobs", null, """
                {"name": "openapi-every", "schedule": {"every": "1h", "start": "2030-01-01T00:00:00Z"},
                 "task": {"type": "nobody", "shell": "true", "target": "all"}}
                """).text("id");
        call("post", "/api/jobs", null, """
                {"name": "openapi-payload", "schedule": {"cron": "0 0 3 * * ?"}, "task": {"type": "nobody", "payload": {"n": 2}}}
                """);
        String at = call("post", "/api/jobs", null, """
                {"name": "openapi-at", "schedule": {"at": "2030-01-01T09:00:00Z"},
                 "task": {"type": "nobody", "command": ["true"], "env": {"A": "1"}, "workdir": "/tmp", "timeoutSeconds": 5,
                          "priority": "urgent", "labels": {"zone": "a"}, "agent": "%s"}}
                """.formatted(AGENT)).text("id");
        call("put", "/api/jobs/{id}", null, """
                {"name": "openapi-cron", "schedule": {"cron": "0 0 4 * * ?"}, "task": {"type": "nobody", "command": ["true"]},
                 "overlap": "forbid", "maxRunning": 2, "onSuccess": ["openapi-every"], "onFailure": ["openapi-at"]}
                """, cron);
        call("post", "/api/jobs/{id}/pause", null, null, cron);
        call("post", "/api/jobs/{id}/resume", null, null, cron);
        call("post", "/api/jobs/{id}/run", null, null, cron);
        call("get", "/api/jobs/{id}/next", "count=3", null, cron);
        call("get", "/api/jobs/{id}/fires", "limit=10&offset=0", null, cron);
        call("get", "/api/jobs/{id}/runs", "state=QUEUED&limit=10&offset=0", null, cron);
        call("get", "/api/jobs", "limit=10&offset=0", null);
        call("get", "/api/jobs/{id}", null, null, every);
        for (String job : List.of(cron, every, at)) {
            call("delete", "/api/jobs/{id}", null, null, job);
        }

        String resident = call("post", "/api/residents", null, """
                {"name": "openapi-resident", "instances": 1, "restartBackoff": "1s", "maxRestartBackoff": "1m",
                 "task": {"type": "nobody", "command": ["sleep", "60"], "env": {"A": "1"}, "workdir": "/tmp",
                          "timeoutSeconds": 60, "priority": "normal", "labels": {"zone": "a"}, "agent": "%s",
                          "code": {"project": "shop", "version": "1.0"}}}
                """.formatted(AGENT)).text("id");
        call("put", "/api/residents/{id}", null, """
                {"name": "openapi-resident", "instances": 1, "task": {"type": "nobody", "shell": "sleep 60"}}
                """, resident);
        call("post", "/api/residents/{id}/scale", null, "{\"instances\": 2}", resident);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/residents/" + resident).body().path("alive").size() == 2);
        call("get", "/api/residents/{id}", null, null, resident);
        call("get", "/api/residents", "limit=10&offset=0", null);
        call("delete", "/api/residents/{id}", null, null, resident);

        call("get", "/api/agents", null, null);
        call("post", "/api/agents/{id}/drain", null, null, AGENT);
        call("post", "/api/agents/{id}/resume", null, null, AGENT);

        String rule = call("post", "/api/alert-rules", null, """
                {"name": "openapi-quarantine", "kind": "quarantine", "channels": ["ops-hook"], "enabled": true}
                """).text("id");
        String other = call("post", "/api/alert-rules", null, """
                {"name": "openapi-dead-letters", "kind": "task-exhausted", "type": "nobody", "job": "openapi-cron",
                 "perTask": true, "quiet": "1m"}
                """).text("id");
        call("put", "/api/alert-rules/{id}", null, """
                {"name": "openapi-stale", "kind": "queue-age", "type": "nobody", "priority": "urgent", "after": "1h"}
                """, other);
        call("post", "/api/alert-rules/{id}/disable", null, null, other);
        call("post", "/api/alert-rules/{id}/enable", null, null, other);
        call("get", "/api/alert-rules/{id}", null, null, rule);
        call("get", "/api/alert-rules", "limit=10&offset=0", null);
        call("delete", "/api/alert-rules/{id}", null, null, other);

        RedisKeys keys = cluster.controlContext().getBean(RedisKeys.class);
        cluster.stores().redis().opsForList().rightPushAll(keys.results(), "not a report", "nor this");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/quarantine").body().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/alerts").body().path("total").asInt() == 1);
        String alert = call("get", "/api/alerts", "rule=openapi-quarantine&state=FIRING&subject=quarantine&limit=10&offset=0",
                null).body().path("alerts").path(0).path("id").asText();
        call("get", "/api/alerts/{id}", null, null, alert);
        JsonNode quarantined = call("get", "/api/quarantine", null, null).body();
        call("post", "/api/quarantine/{id}/replay", null, null, quarantined.path(0).path("id").asText());
        call("delete", "/api/quarantine/{id}", null, null, quarantined.path(1).path("id").asText());

        call("get", "/api/versions", null, null);
        call("delete", "/api/versions/{project}/{version}", null, null, "shop", "1.0");

        call("post", "/api/users", null, "{\"name\": \"openapi-user\", \"role\": \"operator\", \"password\": \"openapi-password\"}");
        call("put", "/api/users/{name}", null, "{\"role\": \"viewer\", \"password\": \"another-password\"}", "openapi-user");
        call("get", "/api/users", null, null);
        String token = call("post", "/api/tokens", null, """
                {"name": "t", "role": "viewer", "expiresAt": "2099-01-01T00:00:00Z", "user": "openapi-user"}""").text("id");
        call("post", "/api/tokens", null, """
                {"name": "w", "role": "worker", "types": ["openapi-work"], "user": "admin"}""");
        call("get", "/api/tokens", null, null);
        call("delete", "/api/tokens/{id}", null, null, token);
        call("delete", "/api/users/{name}", null, null, "openapi-user");
        call("get", "/api/audit", "actor=admin-token&action=create-user&target=openapi-user&from=2020-01-01T00:00:00Z"
                + "&to=2099-01-01T00:00:00Z&limit=10&offset=0", null);
        call("post", "/api/alert-channels", null, """
                {"name": "openapi-hook", "kind": "webhook", "url": "https://hooks.example.com/caravan",
                 "secret": "openapi-secret-0123456789"}""");
        call("post", "/api/alert-channels", null, """
                {"name": "openapi-mail", "kind": "email", "to": ["ops@example.com"]}""");
        call("put", "/api/alert-channels/{name}", null, """
                {"name": "openapi-hook", "kind": "webhook", "url": "https://hooks.example.com/other"}""", "openapi-hook");
        call("get", "/api/alert-channels/{name}", null, null, "openapi-mail");
        call("get", "/api/alert-channels", null, null);
        call("delete", "/api/alert-channels/{name}", null, null, "openapi-mail");
        // a notice to a channel there is none of: its delivery FAILED after one attempt
        cluster.controlContext().getBean(CamelContext.class).createProducerTemplate().sendBody("direct:deliver-alert",
                new AlertNotice(1, 1, "openapi-rule", "agent-dead", "agent a1", "RESOLVED", "agent a1 is back",
                        Instant.now().minusSeconds(60), Instant.now(), Instant.now(), List.of("no-such-channel")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/alerts/1/deliveries").body().path("deliveries").path(0).path("state").asText().equals("FAILED"));
        call("get", "/api/alerts/{id}/deliveries", null, null, "1");

        call("get", "/api/session", null, null);
        call("post", "/api/session", null, "{\"name\": \"admin\", \"password\": \"" + Cluster.ADMIN_PASSWORD + "\"}");
        call("delete", "/api/session", null, null);

        // errors read as the description says too
        assertThat(call("get", "/api/tasks/{id}", null, null, "no-such-task").status()).isEqualTo(404);
        assertThat(call("post", "/api/tasks", null, "{\"command\": [\"true\"], \"priority\": \"high\"}").status())
                .isEqualTo(400);

        Set<String> described = new TreeSet<>();
        forEachOperation((method, path, operation) -> described.add(method + " " + path));
        assertThat(answered).as("operations that gave a 2xx answer checked against the description").isEqualTo(described);
        Set<String> requestProperties = new TreeSet<>();
        forEachOperation((method, path, operation) -> {
            JsonNode body = operation.at("/requestBody/content/application~1json/schema");
            if (!body.isMissingNode()) {
                requestProperties.addAll(properties(requests, body, new TreeSet<>()));
            }
        });
        assertThat(requests.seen()).as("request properties the API took").containsAll(requestProperties);
    }

    /**
     * Sends a request to the path {@code template} with {@code ids} in its {@code {placeholders}}: the answer must read
     * as the schema of its status (or of the errors), and a body the API took as the operation's request schema.
     */
    private Api.Response call(String method, String template, String query, String body, String... ids)
            throws JsonProcessingException {
        String name = method + " " + template;
        JsonNode operation = answers.operation(method, template);
        assertThat(operation.isMissingNode()).as(name + " is described").isFalse();
        String path = template;
        for (String id : ids) {
            path = path.replaceFirst("\\{[^}]+}", id);
        }
        path += query == null ? "" : "?" + query;
HttpRequest.BodyPublisher content = HttpRequest.BodyPublishers.ofString(body == null ? "" : body);
        Api.Response response = api.send(api.request(path).header("Content-Type", "application/json")
                .method(method.toUpperCase(), content), Cluster.TOKEN);
        JsonNode responses = operation.path("responses");
        JsonNode answer = responses.has(String.valueOf(response.status()))
                ? responses.path(String.valueOf(response.status())) : responses.path("default");
        assertThat(answer.isMissingNode()).as(name + " answered " + response.status()).isFalse();
        if (response.status() == 204) {
            assertThat(response.body().isNull()).as(name + " 204 body").isTrue();
        } else {
            JsonNode schema = answer.at("/content/application~1json/schema");
            assertThat(schema.isMissingNode()).as(name + " " + response.status() + " has a schema").isFalse();
            assertThat(answers.violations(schema, response.body()))
                    .as(name + " answer " + response.status() + ": " + response.body()).isEmpty();
        }
        if (response.status() / 100 == 2) {
            answered.add(name);
            if (body != null) {
                assertThat(requests.violations(operation.at("/requestBody/content/application~1json/schema"),
                        JSON.readTree(body))).as(name + " request the API took").isEmpty();
            }
        }
        return response;
    }

    /** "Component.property" for every property of the components a schema reaches. */
    private static Set<String> properties(OpenApiDocument document, JsonNode schema, Set<String> visited) {
        Set<String> found = new TreeSet<>();
        if (schema.has("$ref")) {
            String name = schema.path("$ref").asText().replaceFirst(".*/", "");
            if (visited.add(name)) {
                JsonNode component = document.component(schema.path("$ref").asText());
                component.path("properties").fieldNames().forEachRemaining(property -> found.add(name + "." + property));
                found.addAll(properties(document, component, visited));
            }
            return found;
        }
        for (JsonNode property : schema.path("properties")) {
            found.addAll(properties(document, property, visited));
        }
        for (JsonNode part : schema.path("allOf")) {
            found.addAll(properties(document, part, visited));
        }
        if (schema.has("items")) {
            found.addAll(properties(document, schema.path("items"), visited));
        }
        return found;
    }

    private static JsonNode parameter(JsonNode operation, String in, String name) {
        for (JsonNode parameter : operation.path("parameters")) {
            if (parameter.path("in").asText().equals(in) && parameter.path("name").asText().equals(name)) {
                return parameter;
            }
        }
        throw new AssertionError(operation.path("operationId").asText() + " has no " + in + " parameter " + name);
    }

    private interface OperationVisitor {
        void visit(String method, String path, JsonNode operation);
    }

    private void forEachOperation(OperationVisitor visitor) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = requests.json().path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                visitor.visit(op.getKey(), path.getKey(), op.getValue());
            }
        }
    }

    private List<RestDefinition> restDefinitions() {
        CamelContext camel = cluster.controlContext().getBean(CamelContext.class);
        return camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions();
    }
}

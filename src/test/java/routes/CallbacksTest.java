package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.WebhookReceiver;

/**
 * Completion callbacks (callbacks.yaml), against a real receiver on a local HTTP server that fails when told to: a
 * task that names a callback url has its final view POSTed there, signed, once per ending; a failed attempt is
 * tried again with backoff and each attempt is an event of the task; after the last one it is given up, saying so.
 * Urls outside caravan.callbacks.allowed-urls are refused at submit, and a host name that resolves to an internal
 * address is refused at send time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbacksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "callback-secret-" + "0123456789abcdef";
    private static final Duration BACKOFF = Duration.ofMillis(400);
    private static final int ATTEMPTS = 3;

    private final WebhookReceiver receiver = new WebhookReceiver();
    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        String[] settings = {
                "--caravan.callbacks.secret=" + SECRET,
                "--caravan.callbacks.allowed-urls[0]=" + receiver.url("/hooks"),
                // a name, not an address: allowed at submit, but it resolves to loopback, so refused at send time
                "--caravan.callbacks.allowed-urls[1]=http://localhost:" + receiver.port() + "/named",
                "--caravan.callbacks.attempts=" + ATTEMPTS,
                "--caravan.callbacks.backoff=" + BACKOFF.toMillis() + "ms",
                "--caravan.callbacks.max-backoff=" + BACKOFF.multipliedBy(2).toMillis() + "ms",
                "--caravan.callbacks.timeout=2s", "--caravan.callbacks.check-millis=50"};
        // two control nodes: both look for due callbacks, and only one sends each
        cluster = new Cluster(dir).control(settings).control(settings);
        cluster.agent("callback-agent", 4, "default", Map.of());
        api = cluster.api();
    }

    @AfterAll
    void stop() {
        cluster.close();
        receiver.close();
    }

    @Test
    void aTaskThatEndsCallsBackOnceWithItsFinalViewSignedAndAFailingReceiverIsTriedAgainWithBackoff() throws Exception {
        receiver.failFirst("/hooks/flaky", 2);
        String id = api.submit(task("[\"echo\", \"hello\"]", "/hooks/flaky"));

        JsonNode task = awaitEvent(id, "callback delivered");
        assertThat(callbackEvents(task)).hasSize(3);
        assertThat(callbackEvents(task).get(0)).startsWith("callback attempt 1 of 3 failed: http://127.0.0.1:"
                + receiver.port() + " answered 503 Service Unavailable; next in ");
        assertThat(callbackEvents(task).get(1)).startsWith("callback attempt 2 of 3 failed: ");
        assertThat(callbackEvents(task).get(2)).startsWith("callback delivered: attempt 3 of 3, answered 204 in ");
        // told in the state the task ended in: a callback changes no state
        assertThat(task.path("events").findValuesAsText("state")).endsWith("SUCCEEDED", "SUCCEEDED", "SUCCEEDED");

        List<WebhookReceiver.Request> got = receivedOnly("/hooks/flaky", 3);
        // the wait doubles (with jitter: between half and all of it): backoff, then twice that
        assertThat(got.get(1).receivedAt() - got.get(0).receivedAt()).isGreaterThanOrEqualTo(BACKOFF.toMillis() / 2);
        assertThat(got.get(2).receivedAt() - got.get(1).receivedAt()).isGreaterThanOrEqualTo(BACKOFF.toMillis());
        for (WebhookReceiver.Request request : got) {
            assertSigned(request);
            assertThat(Math.abs(Long.parseLong(request.header("Caravan-Timestamp")) - Instant.now().getEpochSecond()))
                    .isLessThan(60);
            assertThat(request.header("Caravan-Delivery")).isEqualTo(got.get(0).header("Caravan-Delivery"));
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.body()).isEqualTo(got.get(0).body());
        }
        // the view GET /api/tasks/{id} gives, as the task ended: without its output and the callback's own events
        JsonNode body = JSON.readTree(got.get(0).body());
        JsonNode now = api.task(id);
        assertThat(body.path("id").asText()).isEqualTo(id);
        assertThat(body.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.path("exitCode").asInt()).isZero();
        assertThat(body.path("callback").asText()).isEqualTo(receiver.url("/hooks/flaky"));
        assertThat(body.path("finishedAt").asText()).isEqualTo(now.path("finishedAt").asText());
        assertThat(body.path("command")).isEqualTo(now.path("command"));
        assertThat(now.path("stdout").asText()).isEqualTo("hello\n");
        assertThat(body.has("stdout")).isFalse();
        // the events up to the ending (with two control nodes, an attempt's start may be stored after its outcome)
        assertThat(body.path("events").findValuesAsText("state")).startsWith("QUEUED", "DISPATCHED").endsWith("SUCCEEDED");
        assertThat(body.path("events").findValuesAsText("message")).noneMatch(message -> message.startsWith("callback"));
    }

    @Test
    void aFailedAttemptWithARetryLeftCallsBackNothingAndTheFinalFailureCallsBackOnce() throws Exception {
        String id = api.submit("{\"command\": [\"false\"], \"retry\": {\"maxAttempts\": 2, \"backoff\": \"100ms\"},"
                + " \"callback\": \"" + receiver.url("/hooks/retried") + "\"}");

        awaitEvent(id, "callback delivered");
        JsonNode body = JSON.readTree(receivedOnly("/hooks/retried", 1).get(0).body());
        assertThat(body.path("state").asText()).isEqualTo("FAILED");
        assertThat(body.path("attempt").asInt()).isEqualTo(2);
        assertThat(body.path("exhausted").asBoolean()).isTrue();
        assertThat(body.path("events").findValuesAsText("state")).contains("RETRYING");
    }

    @Test
    void aPayloadTaskLeasedAndReportedByAWorkerOverHttpCallsBackOnceSignedAfterItsLastAttempt() throws Exception {
        Api worker = api.as(api.workerToken("callback-payload"));
        assertThat(worker.post("/api/workers/callback-worker", "{\"types\": [\"callback-payload\"], \"capacity\": 1}")
                .status()).isEqualTo(200);
        String id = api.submit("{\"type\": \"callback-payload\", \"payload\": {\"image\": \"a.png\"},"
                + " \"retry\": {\"maxAttempts\": 2, \"backoff\": \"100ms\"},"
                + " \"callback\": \"" + receiver.url("/hooks/payload") + "\"}");

        // the first attempt fails with a retry left: no callback
        assertThat(leaseAndReport(worker, id, 1, "{\"outcome\": \"failed\", \"message\": \"no disk\"}"))
                .isEqualTo("RETRYING");
        assertThat(leaseAndReport(worker, id, 2, "{\"outcome\": \"succeeded\", \"result\": {\"width\": 64}}"))
                .isEqualTo("SUCCEEDED");
        // a second report of the same lease is refused, and ends nothing again
        assertThat(worker.post("/api/workers/callback-worker/leases/" + id + ":2/report",
                "{\"outcome\": \"failed\"}").status()).isEqualTo(409);

        awaitEvent(id, "callback delivered");
        WebhookReceiver.Request request = receivedOnly("/hooks/payload", 1).get(0);
        assertSigned(request);
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("id").asText()).isEqualTo(id);
        assertThat(body.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.path("attempt").asInt()).isEqualTo(2);
        assertThat(body.path("agent").asText()).isEqualTo("callback-worker");
        assertThat(body.path("payload").path("image").asText()).isEqualTo("a.png");
        assertThat(body.path("result").path("width").asInt()).isEqualTo(64);
        assertThat(body.path("events").findValuesAsText("message"))
                .anyMatch(message -> message.startsWith("failed on callback-worker: no disk; retry 2 of 2"));
        assertThat(callbackEvents(api.task(id))).hasSize(1);
    }

    /** The worker leases the task's attempt (waiting for it) and reports on it; the state the report answers. */
    private static String leaseAndReport(Api worker, String id, int attempt, String report) {
        Api.Response leased = worker.post("/api/workers/callback-worker/leases", "{\"waitSeconds\": 10}");
        assertThat(leased.body().path("leases").findValuesAsText("leaseId")).containsExactly(id + ":" + attempt);
        Api.Response reported = worker.post("/api/workers/callback-worker/leases/" + id + ":" + attempt + "/report",
                report);
        assertThat(reported.status()).as(reported.body().toString()).isEqualTo(200);
        return reported.text("state");
    }

    @Test
    void aCallbackThatNeverGetsThroughIsGivenUpAfterItsLastAttemptSayingWhy() {
        receiver.failFirst("/hooks/down", Integer.MAX_VALUE);
        String id = api.submit(task("[\"true\"]", "/hooks/down"));

        JsonNode task = awaitEvent(id, "callback gave up");
        assertThat(callbackEvents(task)).hasSize(3);
        assertThat(callbackEvents(task).get(2)).isEqualTo("callback gave up after 3 attempts: http://127.0.0.1:"
                + receiver.port() + " answered 503 Service Unavailable");
        receivedOnly("/hooks/down", ATTEMPTS);
    }

    @Test
    void aCancelledTaskCallsBackAndEachEndingOfATaskRunAgainCallsBackOnce() throws Exception {
        // a type no agent takes: the task waits in its queue until it is cancelled
        String id = api.submit("{\"type\": \"nobody-runs-this\", \"command\": [\"true\"], \"callback\": \""
                + receiver.url("/hooks/cancelled") + "\"}");
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(200);
        awaitEvent(id, "callback delivered");
        assertThat(api.post("/api/tasks/" + id + "/retry", "").status()).isEqualTo(200);
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(200);

        List<WebhookReceiver.Request> got = await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.requests("/hooks/cancelled"), requests -> requests.size() == 2);
        receivedOnly("/hooks/cancelled", 2);
        assertThat(got.get(0).header("Caravan-Delivery")).isNotEqualTo(got.get(1).header("Caravan-Delivery"));
        for (WebhookReceiver.Request request : got) {
            assertThat(JSON.readTree(request.body()).path("state").asText()).isEqualTo("CANCELLED");
        }
        assertThat(JSON.readTree(got.get(1).body()).path("events").findValuesAsText("message"))
                .anyMatch(message -> message.startsWith("retried by request"));
    }

    @Test
    void aJobsTaskTemplateWithACallbackCallsBackForEachRun() throws Exception {
        String job = api.createJob("{\"name\": \"calls-back\", \"schedule\": {\"cron\": \"0 0 0 1 1 ? 2099\"},"
                + " \"task\": {\"command\": [\"true\"], \"callback\": \"" + receiver.url("/hooks/job") + "\"}}");
        assertThat(api.get("/api/jobs/" + job).body().path("task").path("callback").asText())
                .isEqualTo(receiver.url("/hooks/job"));
        String run = api.post("/api/jobs/" + job + "/run", "").text("taskId");

        awaitEvent(run, "callback delivered");
        JsonNode body = JSON.readTree(receivedOnly("/hooks/job", 1).get(0).body());
        assertThat(body.path("id").asText()).isEqualTo(run);
        assertThat(body.path("jobId").asText()).isEqualTo(job);
        assertThat(body.path("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aHostNameThatResolvesToAnInternalAddressIsRefusedAtSendTime() {
        String id = api.submit(task("[\"true\"]", null).replace("}", ", \"callback\": \"http://localhost:"
                + receiver.port() + "/named/hook\"}"));

        JsonNode task = awaitEvent(id, "callback not sent");
        assertThat(callbackEvents(task)).singleElement().asString()
                .startsWith("callback not sent: localhost resolves to ")
                .contains("an internal address")
                .contains("only an allow-list entry that names the address itself");
        assertThat(receiver.requests("/named/hook")).isEmpty();
    }

    @Test
    void aCallbackUrlTheAllowListDoesNotTakeIsRefusedAtSubmitNamingTheField() {
        String other = "http://127.0.0.1:" + (receiver.port() == 1 ? 2 : 1) + "/hooks/x";
        Map<String, String> refused = Map.of(
                other, "callback is not taken: http://127.0.0.1:" + (receiver.port() == 1 ? 2 : 1)
                        + "/hooks/x is not in caravan.callbacks.allowed-urls",
                receiver.url("/elsewhere"), "is not in caravan.callbacks.allowed-urls",
                receiver.url("/hooksmith"), "is not in caravan.callbacks.allowed-urls",
                "http://user:password@127.0.0.1:" + receiver.port() + "/hooks/x", "callback must not hold credentials",
                "ftp://127.0.0.1:" + receiver.port() + "/hooks/x", "callback must be an http:// or https:// url",
                "file:///etc/passwd", "callback must be an http:// or https:// url",
                "not a url at all", "callback must be a url");
        refused.forEach((url, message) -> {
            Api.Response response = api.post("/api/tasks", task("[\"true\"]", null)
                    .replace("}", ", \"callback\": \"" + url + "\"}"));
            assertThat(response.status()).as(url).isEqualTo(400);
            assertThat(response.text("message")).as(url).startsWith("callback").contains(message);
        });
        assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"callback\": 7}").text("message"))
                .isEqualTo("callback must be a string, got number");

        // a batch: the item is named, and none of the batch is taken
        long before = api.get("/api/tasks?limit=1").body().path("total").asLong();
        Api.Response batch = api.post("/api/tasks/batch", "{\"tasks\": [" + task("[\"true\"]", "/hooks/batch") + ", "
                + task("[\"true\"]", null).replace("}", ", \"callback\": \"" + other + "\"}") + "]}");
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.text("message")).startsWith("tasks[1].callback is not taken: ");
        assertThat(api.get("/api/tasks?limit=1").body().path("total").asLong()).isEqualTo(before);

        // a job's task template
        Api.Response job = api.post("/api/jobs", "{\"name\": \"refused-callback\", \"schedule\": {\"every\": \"1h\"},"
                + " \"task\": {\"command\": [\"true\"], \"callback\": \"" + other + "\"}}");
        assertThat(job.status()).isEqualTo(400);
        assertThat(job.text("message")).startsWith("task.callback is not taken: ");
    }

    @Test
    void aBatchItemMayNameACallback() throws Exception {
        Api.Response batch = api.post("/api/tasks/batch", "{\"tasks\": [" + task("[\"true\"]", "/hooks/batch") + ", "
                + task("[\"true\"]", null) + "]}");
        assertThat(batch.status()).isEqualTo(201);
        String withCallback = batch.body().get(0).path("task").path("id").asText();
        awaitEvent(withCallback, "callback delivered");
        assertThat(JSON.readTree(receivedOnly("/hooks/batch", 1).get(0).body()).path("id").asText())
                .isEqualTo(withCallback);
    }

    /** A task running the command, calling back to the receiver's path (none when null). */
    private String task(String command, String path) {
        return "{\"command\": " + command + (path == null ? "" : ", \"callback\": \"" + receiver.url(path) + "\"") + "}";
    }

    /** The task once one of its events starts with the text. */
    private JsonNode awaitEvent(String id, String start) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id),
                task -> task.path("events").findValuesAsText("message").stream().anyMatch(m -> m.startsWith(start)));
    }

    private static List<String> callbackEvents(JsonNode task) {
        List<String> messages = new ArrayList<>();
        task.path("events").forEach(event -> {
            if (event.path("message").asText().startsWith("callback ")) {
                messages.add(event.path("message").asText());
            }
        });
        return messages;
    }

    /** The request carries the signature a receiver computes: sha256=hmac(secret, timestamp + "." + body). */
    private static void assertSigned(WebhookReceiver.Request request) {
        assertThat(request.header("Caravan-Signature")).isEqualTo("sha256=" + WebhookReceiver.hmac(SECRET,
                request.header("Caravan-Timestamp") + "." + request.body()));
    }

    /** The requests to the path, once there are {@code count} and no more come for a while (once per ending). */
    private List<WebhookReceiver.Request> receivedOnly(String path, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(path).size() >= count);
        await().during(Duration.ofMillis(BACKOFF.toMillis() * 2)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.requests(path).size() == count);
        return receiver.requests(path);
    }
}

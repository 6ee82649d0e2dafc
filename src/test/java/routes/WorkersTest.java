package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/** The worker protocol: register, lease (long poll), extend, report; leases that lapse; worker tokens. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkersTest {

    private Cluster cluster;
    private Api api;
    private Api worker;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.workers.worker-timeout=3s");
        api = cluster.api();
        worker = api.as(api.workerToken("resize", "thumbs", "retry-me", "silent", "capped", "cancelled", "extended", "restored"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private void register(Api as, String id, String types, int capacity) {
        Api.Response registered = as.post("/api/workers/" + id, "{\"types\": " + types + ", \"capacity\": " + capacity + "}");
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(200);
    }

    private JsonNode lease(Api as, String workerId, String body) {
        Api.Response leased = as.post("/api/workers/" + workerId + "/leases", body);
        assertThat(leased.status()).as(leased.body().toString()).isEqualTo(200);
        return leased.body().path("leases");
    }

    private String state(String taskId) {
        return api.task(taskId).path("state").asText();
    }

    @Test
    void aWorkerLeasesAPayloadTaskOfItsTypeAndItsReportedResultEndsTheTask() {
        String id = api.submit("{\"type\": \"resize\", \"payload\": {\"image\": \"a.png\"}, \"labels\": {\"gpu\": \"yes\"}}");
        worker.post("/api/workers/w-plain", "{\"types\": [\"resize\"], \"capacity\": 2}");
        assertThat(lease(worker, "w-plain", "{}")).as("a worker without the task's labels").isEmpty();
        worker.post("/api/workers/w-gpu", "{\"types\": [\"resize\"], \"labels\": {\"gpu\": \"yes\"}, \"capacity\": 2}");
        JsonNode leases = lease(worker, "w-gpu", "{\"max\": 5}");
        assertThat(leases).hasSize(1);
        JsonNode lease = leases.get(0);
        assertThat(lease.path("leaseId").asText()).isEqualTo(id + ":1");
        assertThat(lease.path("payload").path("image").asText()).isEqualTo("a.png");
        assertThat(lease.path("expiresAt").asText()).isNotBlank();
        assertThat(state(id)).isEqualTo("RUNNING");
        assertThat(api.task(id).path("agent").asText()).isEqualTo("w-gpu");

        Api.Response reported = worker.post("/api/workers/w-gpu/leases/" + id + ":1/report",
                "{\"outcome\": \"succeeded\", \"result\": {\"width\": 64}, \"message\": \"resized\"}");
        assertThat(reported.status()).as(reported.body().toString()).isEqualTo(200);
        assertThat(reported.text("state")).isEqualTo("SUCCEEDED");
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.path("result").path("width").asInt()).isEqualTo(64);
        assertThat(task.path("events").findValuesAsText("message")).containsSubsequence("dispatched to w-gpu",
                "started on w-gpu", "succeeded on w-gpu: resized");
        // the lease is over: a second report is refused
        assertThat(worker.post("/api/workers/w-gpu/leases/" + id + ":1/report", "{\"outcome\": \"failed\"}").status())
                .isEqualTo(409);
        assertThat(state(id)).isEqualTo("SUCCEEDED");
    }

    @Test
    void aLeaseRequestWaitsForATaskAndTakesItAsSoonAsItIsSubmitted() {
        register(worker, "w-poll", "[\"thumbs\"]", 1);
        long started = System.nanoTime();
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(
                () -> lease(worker, "w-poll", "{\"waitSeconds\": 20}"));
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(waiting).isNotDone();
        String id = api.submit("{\"type\": \"thumbs\", \"payload\": 1}");
        JsonNode leases = waiting.join();
        assertThat(leases.findValuesAsText("taskId")).containsExactly(id);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        // none ready: the wait ends empty-handed
        long before = System.nanoTime();
        assertThat(lease(worker, "w-poll", "{\"waitSeconds\": 1}")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void anExpiredLeaseGivesItsTaskToAnotherWorkerAndTheLateReportIsRecordedAsIgnored() {
        String id = api.submit("{\"type\": \"resize\", \"payload\": {\"slow\": true}}");
        register(worker, "w-slow", "[\"resize\"]", 1);
        register(worker, "w-next", "[\"resize\"]", 1);
        assertThat(lease(worker, "w-slow", "{\"leaseSeconds\": 1}").findValuesAsText("taskId")).containsExactly(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("QUEUED"));
        assertThat(lease(worker, "w-next", "{\"waitSeconds\": 5}").findValuesAsText("leaseId")).containsExactly(id + ":2");

        Api.Response late = worker.post("/api/workers/w-slow/leases/" + id + ":1/report", "{\"outcome\": \"succeeded\"}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.text("message")).contains("the report is recorded as ignored");
        assertThat(worker.post("/api/workers/w-slow/leases/" + id + ":1/extend", "{}").status()).isEqualTo(409);
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("RUNNING");
        assertThat(task.path("attempt").asInt()).isEqualTo(2);
        assertThat(task.path("events").findValuesAsText("message"))
                .contains("the lease of worker w-slow on attempt 1 expired; task back in its queue")
                .contains("ignored 'finished' report of attempt 1 from w-slow: its lease had expired, was taken back"
                        + " or the task was cancelled");
        assertThat(worker.post("/api/workers/w-next/leases/" + id + ":2/report", "{\"outcome\": \"succeeded\"}").status())
                .isEqualTo(200);
    }

    @Test
    void anExtendedLeaseOutlivesItsFirstExpiry() throws InterruptedException {
        String id = api.submit("{\"type\": \"extended\", \"payload\": {}}");
        register(worker, "w-ext", "[\"extended\"]", 1);
        lease(worker, "w-ext", "{\"leaseSeconds\": 2}");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(1000); // the worker at work, extending as it goes
            assertThat(worker.post("/api/workers/w-ext/leases/" + id + ":1/extend", "{\"leaseSeconds\": 2}").status())
                    .isEqualTo(200);
        }
        assertThat(state(id)).isEqualTo("RUNNING");
        assertThat(worker.post("/api/workers/w-ext/leases/" + id + ":1/report", "{\"outcome\": \"succeeded\"}").status())
                .isEqualTo(200);
    }

    @Test
    void aWorkerThatStopsSendingHeartbeatsLosesItsLeasesBeforeTheyExpire() {
        String id = api.submit("{\"type\": \"silent\", \"payload\": {}}");
        register(worker, "w-silent", "[\"silent\"]", 1);
        lease(worker, "w-silent", "{\"leaseSeconds\": 600}");
        // worker-timeout is 3 s here
        await().atMost(Duration.ofSeconds(15)).until(() -> state(id).equals("QUEUED"));
        assertThat(api.task(id).path("events").findValuesAsText("message"))
                .contains("worker w-silent stopped sending heartbeats: its lease is taken back, task back in its queue");
        Api.Response relapsed = worker.post("/api/workers/w-silent/leases", "{}");
        assertThat(relapsed.status()).as("a forgotten worker registers again first").isEqualTo(409);
    }

    @Test
    void aFailedAttemptIsRetriedWithBackoffAndLeasedAgain() {
        String id = api.submit("{\"type\": \"retry-me\", \"payload\": {}, \"retry\": {\"maxAttempts\": 2, \"backoff\": \"100ms\"}}");
        register(worker, "w-retry", "[\"retry-me\"]", 1);
        lease(worker, "w-retry", "{}");
        Api.Response failed = worker.post("/api/workers/w-retry/leases/" + id + ":1/report",
                "{\"outcome\": \"failed\", \"message\": \"disk full\"}");
        assertThat(failed.text("state")).isEqualTo("RETRYING");
        assertThat(lease(worker, "w-retry", "{\"waitSeconds\": 10}").findValuesAsText("leaseId")).containsExactly(id + ":2");
        worker.post("/api/workers/w-retry/leases/" + id + ":2/report", "{\"outcome\": \"failed\"}");
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("FAILED");
        assertThat(task.path("exhausted").asBoolean()).isTrue();
    }

    @Test
    void aLeaseOutlivesRedisLosingItsKeys() {
        String id = api.submit("{\"type\": \"restored\", \"payload\": {}}");
        register(worker, "w-restored", "[\"restored\"]", 1);
        lease(worker, "w-restored", "{\"leaseSeconds\": 600}");
        cluster.stores().flushRedis();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                worker.post("/api/workers/w-restored/leases/" + id + ":1/extend", "{}").status() == 200);
        assertThat(worker.post("/api/workers/w-restored/leases/" + id + ":1/report", "{\"outcome\": \"succeeded\"}")
                .status()).isEqualTo(200);
        assertThat(state(id)).isEqualTo("SUCCEEDED");
        assertThat(api.task(id).path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void aWorkerIsNeverHandedMoreThanItsCapacity() {
        for (int i = 0; i < 3; i++) {
            api.submit("{\"type\": \"capped\", \"payload\": " + i + "}");
        }
        register(worker, "w-cap", "[\"capped\"]", 2);
        assertThat(lease(worker, "w-cap", "{\"max\": 3}")).hasSize(2);
        assertThat(lease(worker, "w-cap", "{\"max\": 3}")).isEmpty();
    }

    @Test
    void aCancelledTaskEndsItsLeaseSoTheWorkerIsToldToStop() {
        String id = api.submit("{\"type\": \"cancelled\", \"payload\": {}}");
        register(worker, "w-cancel", "[\"cancelled\"]", 1);
        lease(worker, "w-cancel", "{}");
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(200);
        assertThat(worker.post("/api/workers/w-cancel/leases/" + id + ":1/extend", "{}").status()).isEqualTo(409);
        assertThat(worker.post("/api/workers/w-cancel/leases/" + id + ":1/report", "{\"outcome\": \"succeeded\"}").status())
                .isEqualTo(409);
        assertThat(state(id)).isEqualTo("CANCELLED");
    }

    @Test
    void aWorkerTokenServesOnlyItsTypesAndReadsNothingElse() {
        Api narrow = api.as(api.workerToken("thumbs"));
        Api.Response other = narrow.post("/api/workers/w-narrow", "{\"types\": [\"thumbs\", \"resize\"]}");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.text("message")).isEqualTo("this token serves only the task types [thumbs]; worker w-narrow"
                + " serves [resize] too");
        // a worker registered by a broader token cannot be leased for with a narrower one
        register(worker, "w-broad", "[\"resize\"]", 1);
        assertThat(narrow.post("/api/workers/w-broad/leases", "{}").status()).isEqualTo(403);
        assertThat(narrow.get("/api/tasks").status()).isEqualTo(403);
        assertThat(narrow.post("/api/tasks", "{\"type\": \"thumbs\", \"payload\": 1}").status()).isEqualTo(403);
        assertThat(api.post("/api/tokens", "{\"name\": \"w\", \"role\": \"worker\", \"user\": \"admin\"}").status())
                .isEqualTo(400);
        assertThat(api.post("/api/tokens", "{\"name\": \"w\", \"role\": \"viewer\", \"user\": \"admin\", \"types\": [\"a\"]}")
                .status()).isEqualTo(400);
        assertThat(api.post("/api/users", "{\"name\": \"bot\", \"role\": \"worker\", \"password\": \"long-enough-password\"}")
                .status()).isEqualTo(400);
        assertThat(api.get("/api/tokens").body().findValuesAsText("types")).isNotNull();
    }

    @Test
    void badWorkerRequestsAreRefusedNamingWhatToFix() {
        assertThat(worker.post("/api/workers/w-bad", "{\"types\": []}").text("message")).startsWith("types is required");
        assertThat(worker.post("/api/workers/w-bad", "{\"types\": [\"resize\"], \"capacity\": 0}").text("message"))
                .isEqualTo("capacity must be a whole number from 1 to 1000, got 0");
        register(worker, "w-bad", "[\"resize\"]", 1);
        assertThat(worker.post("/api/workers/w-bad/leases", "{\"waitSeconds\": 31}").text("message"))
                .isEqualTo("waitSeconds must be a whole number from 0 to 30, got 31");
        assertThat(worker.post("/api/workers/w-bad/leases/x/report", "{\"outcome\": \"succeeded\"}").text("message"))
                .startsWith("lease must be a lease id");
        assertThat(worker.post("/api/workers/w-bad/leases/x:1/report", "{\"outcome\": \"done\"}").text("message"))
                .isEqualTo("outcome must be \"succeeded\" or \"failed\", got \"done\"");
        assertThat(worker.post("/api/workers/w-bad/leases/x:1/report",
                "{\"outcome\": \"succeeded\", \"result\": \"" + "x".repeat(70_000) + "\"}").text("message"))
                .isEqualTo("result is 70002 bytes of JSON; at most 65536 are taken");
        assertThat(List.of(worker.post("/api/workers/unregistered/leases", "{}").status())).containsExactly(409);
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.core.StringRedisTemplate;
import routes.dispatch.TaskQueues;
import routes.redis.RedisKeys;
import routes.repair.RedisRecovery;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Workflows over HTTP: tasks that wait for their parents (in no queue, not even after a restore of Redis), run in the
 * graph's order with their parents' results, are cancelled (or run anyway) when a parent fails for good, and graphs
 * that could never run are refused whole. The graph is in the record: a fan-in waiting while the only control node
 * restarts runs once after its parents (the last test: it stops the class's control node).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkflowsTest {

    /** The most tasks a workflow may hold here, and the most bytes of a parent's result its children are given. */
    private static final int MAX_TASKS = 10;
    private static final int RESULT_LIMIT = 64;

    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.workflows.max-nodes=" + MAX_TASKS,
                "--caravan.workflows.max-parent-result-bytes=" + RESULT_LIMIT);
        cluster.agent("wf-agent", 4, "default", Map.of());
        api = cluster.api();
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void twoParallelTasksAndTheirFanInRunInOrderAndItSeesBothResults() {
        JsonNode workflow = submit("""
                {"name": "fan-in", "tasks": [
                  {"name": "a", "shell": "sleep 1; echo alpha"},
                  {"name": "b", "shell": "sleep 1; head -c 100 /dev/zero | tr '\\\\0' x"},
                  {"name": "c", "dependsOn": ["a", "b"],
                   "shell": "echo \\"$CARAVAN_PARENTS|$CARAVAN_PARENT_A_RESULT|$CARAVAN_PARENT_B_STATE|${#CARAVAN_PARENT_B_RESULT}\\""}]}
                """);
        assertThat(workflow.path("name").asText()).isEqualTo("fan-in");
        assertThat(workflow.path("state").asText()).isEqualTo("RUNNING");
        Map<String, String> ids = taskIds(workflow);
        assertThat(workflow.path("tasks").get(2).path("dependsOn").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(workflow.path("tasks").get(2).path("whenParentFails").asText()).isEqualTo("cancel");
        assertThat(workflow.path("tasks").get(0).path("whenParentFails").isNull()).isTrue();
        JsonNode waiting = api.task(ids.get("c"));
        assertThat(waiting.path("state").asText()).isEqualTo("WAITING");
        assertThat(waiting.path("workflowId").asText()).isEqualTo(workflow.path("id").asText());
        assertThat(waiting.path("waitingBecause").asText()).startsWith("it waits for its parents in workflow "
                + workflow.path("id").asText() + " to end: a (");

        JsonNode done = awaitEnded(workflow.path("id").asText());
        assertThat(done.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.path("taskStates").toString()).isEqualTo("{\"SUCCEEDED\":3}");
        JsonNode a = api.task(ids.get("a"));
        JsonNode b = api.task(ids.get("b"));
        JsonNode c = api.task(ids.get("c"));
        // a and b ran side by side; c was queued only once both had ended
        assertThat(time(a, "startedAt")).isBefore(time(b, "finishedAt"));
        assertThat(time(b, "startedAt")).isBefore(time(a, "finishedAt"));
        Instant released = Instant.parse(c.path("events").get(1).path("at").asText());
        assertThat(released).isAfterOrEqualTo(time(a, "finishedAt")).isAfterOrEqualTo(time(b, "finishedAt"));
        assertThat(c.path("events").get(1).path("message").asText()).isEqualTo("released: its parents succeeded (a, b)");
        // b's 100 bytes are cut to the limit
        assertThat(c.path("stdout").asText()).isEqualTo("a,b|alpha\n|SUCCEEDED|" + RESULT_LIMIT + "\n");
        assertThat(api.get("/api/tasks?workflow=" + done.path("id").asText()).body().path("total").asInt()).isEqualTo(3);
        assertThat(api.get("/api/workflows").body().path("workflows").findValuesAsText("id"))
                .contains(done.path("id").asText());
    }

    @Test
    void aParentThatFailsForGoodCancelsItsDependantsInCascadeAndRunDependantsStillRun() {
        JsonNode workflow = submit("""
                {"tasks": [
                  {"name": "flaky", "command": ["false"], "retry": {"maxAttempts": 2, "backoff": "100ms"}},
                  {"name": "next", "command": ["true"], "dependsOn": ["flaky"]},
                  {"name": "after_next", "command": ["true"], "dependsOn": ["next"], "whenParentFails": "cancel"},
                  {"name": "cleanup", "shell": "echo $CARAVAN_PARENT_FLAKY_STATE", "dependsOn": ["flaky"],
                   "whenParentFails": "run"},
                  {"name": "last", "command": ["true"], "dependsOn": ["after_next", "cleanup"], "whenParentFails": "run"}]}
                """);
        Map<String, String> ids = taskIds(workflow);
        JsonNode done = awaitEnded(workflow.path("id").asText());
        assertThat(done.path("state").asText()).isEqualTo("FAILED");

        JsonNode flaky = api.task(ids.get("flaky"));
        assertThat(flaky.path("state").asText()).isEqualTo("FAILED");
        assertThat(flaky.path("attempt").asInt()).isEqualTo(2);
        JsonNode next = api.task(ids.get("next"));
        assertThat(next.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(next.path("message").asText()).isEqualTo("its parent flaky ended FAILED (task " + ids.get("flaky") + ")");
        // not while flaky waited for its retry: only once it failed for good
        assertThat(time(next, "finishedAt")).isAfterOrEqualTo(time(flaky, "finishedAt"));
        assertThat(next.path("events").findValuesAsText("state")).containsExactly("WAITING", "CANCELLED");
        JsonNode afterNext = api.task(ids.get("after_next"));
        assertThat(afterNext.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(afterNext.path("message").asText()).startsWith("its parent next ended CANCELLED");
        JsonNode cleanup = api.task(ids.get("cleanup"));
        assertThat(cleanup.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(cleanup.path("stdout").asText()).isEqualTo("FAILED\n");
        JsonNode last = api.task(ids.get("last"));
        assertThat(last.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(last.path("events").findValuesAsText("message")).contains("released: its parents ended"
                + " (after_next CANCELLED, cleanup SUCCEEDED); it runs anyway (whenParentFails run)");
    }

    @Test
    void graphsThatCouldNeverRunAreRefusedNamingWhyAndNothingIsStored() {
        long workflows = api.get("/api/workflows").body().path("total").asLong();
        long tasks = api.get("/api/tasks").body().path("total").asLong();

        refused("""
                {"tasks": [{"name": "a", "command": ["true"], "dependsOn": ["ghost", "phantom"]}]}""",
                "tasks[0].dependsOn names no task of the workflow: ghost, phantom (its tasks: a)");
        refused("""
                {"tasks": [{"name": "root", "command": ["true"]},
                           {"name": "a", "command": ["true"], "dependsOn": ["root", "c"]},
                           {"name": "b", "command": ["true"], "dependsOn": ["a"]},
                           {"name": "c", "command": ["true"], "dependsOn": ["b"]}]}""",
                "dependsOn makes a cycle, whose tasks would wait for each other for ever: a -> c -> b -> a");
        refused("""
                {"tasks": [{"name": "self", "command": ["true"], "dependsOn": ["self"]}]}""", "self -> self");
        refused("""
                {"tasks": [{"name": "fetch", "command": ["true"]}, {"name": "FETCH", "command": ["true"]}]}""",
                "tasks[1].name FETCH is given twice (as fetch");
        refused("{\"tasks\": []}", "tasks is required");
        StringBuilder many = new StringBuilder("{\"tasks\": [");
        for (int i = 0; i <= MAX_TASKS; i++) {
            many.append(i == 0 ? "" : ", ").append("{\"name\": \"t").append(i).append("\", \"command\": [\"true\"]}");
        }
        refused(many.append("]}").toString(), "a workflow holds at most " + MAX_TASKS + " tasks");
        refused("""
                {"tasks": [{"name": "a", "command": ["true"]}, {"name": "b", "command": ["true"], "priority": "high"}]}""",
                "tasks[1].priority must be");
        refused("""
                {"tasks": [{"name": "a", "command": ["true"], "key": "k"}]}""", "tasks[0].key is not taken");
        refused("""
                {"tasks": [{"name": "a", "command": ["true"]}, {"name": "b", "type": "wf-work", "payload": [1],
                 "dependsOn": ["a"]}]}""", "tasks[1].payload must be a JSON object");

        assertThat(api.get("/api/workflows").body().path("total").asLong()).isEqualTo(workflows);
        assertThat(api.get("/api/tasks").body().path("total").asLong()).isEqualTo(tasks);
    }

    @Test
    void aPayloadTaskGetsItsParentsResultsAsAPayloadFieldAndACommandGetsAWorkersResult() {
        JsonNode workflow = submit("""
                {"tasks": [
                  {"name": "extract", "shell": "echo 42"},
                  {"name": "transform", "type": "wf-work", "payload": {"op": "double"}, "dependsOn": ["extract"]},
                  {"name": "store", "type": "wf-work", "payload": {"op": "store"}, "dependsOn": ["transform"]},
                  {"name": "load", "shell": "echo \\"$CARAVAN_PARENT_TRANSFORM_RESULT\\"", "dependsOn": ["transform"]}]}
                """);
        Map<String, String> ids = taskIds(workflow);
        assertThat(api.post("/api/workers/wf-worker", "{\"types\": [\"wf-work\"]}").status()).isEqualTo(200);

        JsonNode transform = leaseOne();
        assertThat(transform.path("taskId").asText()).isEqualTo(ids.get("transform"));
        assertThat(transform.path("payload").path("op").asText()).isEqualTo("double");
        JsonNode extract = transform.path("payload").path("parents").path("extract");
        assertThat(extract.path("result").asText()).isEqualTo("42\n");
        assertThat(extract.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(extract.path("taskId").asText()).isEqualTo(ids.get("extract"));
        assertThat(extract.path("truncated").asBoolean()).isFalse();
        report(transform, "{\"outcome\": \"succeeded\", \"result\": {\"n\": 84}}");

        JsonNode store = leaseOne();
        assertThat(store.path("taskId").asText()).isEqualTo(ids.get("store"));
        assertThat(store.path("payload").path("parents").path("transform").path("result").path("n").asInt()).isEqualTo(84);
        report(store, "{\"outcome\": \"succeeded\"}");

        assertThat(awaitEnded(workflow.path("id").asText()).path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(api.task(ids.get("load")).path("stdout").asText()).isEqualTo("{\"n\":84}\n");
    }

    @Test
    void aCancelledWorkflowEndsWhatRunsAndWhatWaitsWithoutReleasingAnythingAndItsKeyFindsIt() throws Exception {
        String body = """
                {"key": "wf-cancel-1", "tasks": [
                  {"name": "slow", "command": ["sleep", "30"]},
                  {"name": "then", "command": ["true"], "dependsOn": ["slow"], "whenParentFails": "run"}]}
                """;
        JsonNode workflow = submit(body);
        Api.Response again = api.post("/api/workflows", body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("id")).isEqualTo(workflow.path("id").asText());
        Map<String, String> ids = taskIds(workflow);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(ids.get("slow")).path("state").asText()
                .equals("RUNNING"));
        // a restore after Redis lost its keys puts back what is QUEUED, never what is WAITING
        CamelContext camel = cluster.controlContext().getBean(CamelContext.class);
        StringRedisTemplate redis = cluster.controlContext().getBean(StringRedisTemplate.class);
        RedisKeys keys = cluster.controlContext().getBean(RedisKeys.class);
        camel.getRouteController().stopRoute("restore-redis");
        try {
            redis.delete(keys.restored());
            cluster.controlContext().getBean(RedisRecovery.class).restoreIfLost();
        } finally {
            camel.getRouteController().startRoute("restore-redis");
        }
        assertThat(cluster.controlContext().getBean(TaskQueues.class).queuedIds()).doesNotContain(ids.get("then"));
        assertThat(redis.hasKey(keys.task(ids.get("then")))).isFalse();
        assertThat(api.task(ids.get("then")).path("state").asText()).isEqualTo("WAITING");

        Api.Response cancelled = api.delete("/api/workflows/" + workflow.path("id").asText());
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.text("state")).isEqualTo("CANCELLED");
        JsonNode then = api.task(ids.get("then"));
        assertThat(then.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(then.path("message").asText()).isEqualTo("cancelled with its workflow");
        assertThat(then.path("events").findValuesAsText("state")).containsExactly("WAITING", "CANCELLED");
        assertThat(api.task(ids.get("slow")).path("state").asText()).isEqualTo("CANCELLED");
        assertThat(api.delete("/api/workflows/no-such-workflow").status()).isEqualTo(404);
        assertThat(api.get("/api/workflows/no-such-workflow").status()).isEqualTo(404);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aFanInWaitingWhileItsOnlyControlNodeRestartsRunsOnceAfterBothParents() {
        JsonNode workflow = submit("""
                {"tasks": [
                  {"name": "a", "shell": "sleep 2; echo one"},
                  {"name": "b", "shell": "sleep 2; echo two"},
                  {"name": "c", "dependsOn": ["a", "b"], "shell": "echo $CARAVAN_PARENT_A_RESULT $CARAVAN_PARENT_B_RESULT"}]}
                """);
        Map<String, String> ids = taskIds(workflow);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(ids.get("a")).path("state").asText().equals("RUNNING")
                && api.task(ids.get("b")).path("state").asText().equals("RUNNING"));

        // the parents end while no control node runs: their reports wait in Redis for the next one
        cluster.stop(cluster.controlContext(0));
        Api restarted = cluster.control().api(1);

        await().atMost(Duration.ofSeconds(60)).until(() -> restarted.ready()
                && restarted.task(ids.get("c")).path("state").asText().equals("SUCCEEDED"));
        assertThat(restarted.task(ids.get("c")).path("stdout").asText()).isEqualTo("one two\n");
        for (String name : ids.keySet()) {
            assertThat(restarted.task(ids.get(name)).path("events").findValuesAsText("state").stream()
                    .filter("SUCCEEDED"::equals)).as(name).hasSize(1);
        }
        assertThat(restarted.get("/api/workflows/" + workflow.path("id").asText()).text("state")).isEqualTo("SUCCEEDED");
    }

    private JsonNode submit(String body) {
        Api.Response made = api.post("/api/workflows", body);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        return made.body();
    }

    private void refused(String body, String message) {
        Api.Response refused = api.post("/api/workflows", body);
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(400);
        assertThat(refused.text("message")).contains(message);
    }

    private static Map<String, String> taskIds(JsonNode workflow) {
        Map<String, String> ids = new HashMap<>();
        workflow.path("tasks").forEach(task -> ids.put(task.path("name").asText(), task.path("taskId").asText()));
        return ids;
    }

    private JsonNode awaitEnded(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !api.get("/api/workflows/" + id).text("state").equals("RUNNING"));
        return api.get("/api/workflows/" + id).body();
    }

    private JsonNode leaseOne() {
        JsonNode[] leased = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode leases = api.post("/api/workers/wf-worker/leases", "{\"waitSeconds\": 2}").body().path("leases");
            leased[0] = leases.path(0);
            return leases.size() == 1;
        });
        return leased[0];
    }

    private void report(JsonNode lease, String outcome) {
        assertThat(api.post("/api/workers/wf-worker/leases/" + lease.path("leaseId").asText() + "/report", outcome)
                .status()).isEqualTo(200);
    }

    private static Instant time(JsonNode task, String field) {
        return Instant.parse(task.path(field).asText());
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import routes.message.RunReport;
import routes.quarantine.MessageIsolation.Isolated;
import routes.redis.RedisKeys;
import routes.results.ReceivedReport;
import routes.results.ReportIngest;
import routes.support.Api;
import routes.support.Cluster;
import routes.task.Recorded;
import routes.task.ReportRecorder;
import routes.task.TaskQueries;
import routes.task.TaskStore;
import routes.task.TaskView;

/** How agents' reports become the record: in any order, once, and only for the current attempt. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportRecordingTest {

    private Cluster cluster;
    private Api api;
    private TaskStore store;
    private TaskQueries tasks;
    private ReportRecorder recorder;
    private JdbcClient sql;

    @BeforeAll
    void startControl(@TempDir Path dir) {
        cluster = new Cluster(dir).control();
        api = cluster.api();
        store = cluster.controlContext().getBean(TaskStore.class);
        tasks = cluster.controlContext().getBean(TaskQueries.class);
        recorder = cluster.controlContext().getBean(ReportRecorder.class);
        sql = cluster.controlContext().getBean(JdbcClient.class);
    }

    @AfterAll
    void stopControl() {
        cluster.close();
    }

    @Test
    void aStartAndItsOutcomeInOneBatchAreBothRecorded() {
        String id = dispatchedTask();
        long now = System.currentTimeMillis();
        List<String> ended = recorder.recordAll(List.of(started(id, 1, now), finished(id, 1, now + 5, "SUCCEEDED"))).ended();
        assertThat(ended).containsExactly(id);
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(Instant.parse(task.path("startedAt").asText()).toEpochMilli()).isEqualTo(now);
        assertThat(states(task)).containsExactly("QUEUED", "DISPATCHED", "RUNNING", "SUCCEEDED");
    }

    @Test
    void anOutcomeStoredBeforeItsStartKeepsTheOutcome() {
        String id = dispatchedTask();
        long now = System.currentTimeMillis();
        recorder.recordAll(List.of(finished(id, 1, now + 5, "FAILED")));
        recorder.recordAll(List.of(started(id, 1, now)));
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("FAILED");
        assertThat(Instant.parse(task.path("startedAt").asText()).toEpochMilli()).isEqualTo(now);
        assertThat(states(task)).containsExactly("QUEUED", "DISPATCHED", "RUNNING", "FAILED");
    }

    @Test
    void aReportOfAnotherAttemptIsIgnoredAndSaysSo() {
        String id = dispatchedTask();
        List<String> ended = recorder.recordAll(List.of(finished(id, 7, System.currentTimeMillis(), "SUCCEEDED"))).ended();
        assertThat(ended).isEmpty();
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("DISPATCHED");
        assertThat(task.path("events").get(task.path("events").size() - 1).path("message").asText())
                .contains("ignored 'finished' report of attempt 7");
    }

    @Test
    void aReportFromAnotherAgentThanTheOneTheAttemptWasDispatchedToIsIgnored() {
        String id = dispatchedTask();
        long now = System.currentTimeMillis();
        RunReport forged = new RunReport(RunReport.FINISHED, id, 1, "evil-agent", now, "SUCCEEDED", 0, "forged output",
                "", false, false, null);
        assertThat(recorder.recordAll(List.of(forged)).ended()).isEmpty();
        recorder.recordAll(List.of(RunReport.started(id, 1, "evil-agent", now)));
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("DISPATCHED");
        assertThat(task.path("stdout").isNull() || task.path("stdout").isMissingNode()).isTrue();
        assertThat(task.path("events").get(task.path("events").size() - 1).path("message").asText())
                .contains("ignored 'started' report of attempt 1 from evil-agent").contains("on ghost");
        // the agent that holds the attempt is still heard
        recorder.recordAll(List.of(finished(id, 1, now + 5, "SUCCEEDED")));
        assertThat(api.task(id).path("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aReportIsFromTheAgentWhoseListItWasTakenFromWhateverItSays() throws Exception {
        String id = dispatchedTask();
        RedisKeys keys = cluster.controlContext().getBean(RedisKeys.class);
        StringRedisTemplate redis = cluster.stores().redis();
        ObjectMapper json = new ObjectMapper();
        // another agent's list, with a report that names the agent the attempt was dispatched to
        redis.opsForList().rightPush(keys.reports("evil-agent"),
                json.writeValueAsString(finished(id, 1, System.currentTimeMillis(), "SUCCEEDED")));
        redis.opsForList().rightPush(keys.reported(), "evil-agent");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(id).path("events").findValuesAsText("message")
                .stream().anyMatch(m -> m.contains("ignored 'finished' report of attempt 1 from evil-agent")));
        assertThat(api.task(id).path("state").asText()).isEqualTo("DISPATCHED");

        redis.opsForList().rightPush(keys.reports("ghost"),
                json.writeValueAsString(finished(id, 1, System.currentTimeMillis(), "SUCCEEDED")));
        redis.opsForList().rightPush(keys.reported(), "ghost");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.opsForList().size(keys.reported()) == 0);
    }

    @Test
    void aSecondOutcomeOfTheSameAttemptChangesNothing() {
        String id = dispatchedTask();
        long now = System.currentTimeMillis();
        recorder.recordAll(List.of(finished(id, 1, now, "SUCCEEDED")));
        recorder.recordAll(List.of(finished(id, 1, now + 4, "FAILED")));
        assertThat(api.task(id).path("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void anUnreadableReportIsPassedOverAndLeavesItsSource() {
        ReceivedReport unreadable = new ReceivedReport("not json", null);
        Isolated<ReceivedReport, Recorded> ingested = cluster.controlContext().getBean(ReportIngest.class).store(List.of(unreadable));
        assertThat(ingested.result().ended()).isEmpty();
        assertThat(ingested.done()).containsExactly(unreadable);
    }

    /** A task claimed for an agent that does not exist: DISPATCHED in attempt 1, nothing will run it. */
    @Test
    void aCancelWhoseTransactionBeganBeforeTheOutcomeWasStoredLeavesTheOutcome() {
        String id = dispatchedTask();
        TransactionTemplate transaction = new TransactionTemplate(
                cluster.controlContext().getBean(PlatformTransactionManager.class));
        Optional<TaskView> cancelled = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> transaction.execute(status -> {
            // this transaction's snapshot (MariaDB: repeatable read) holds the task as DISPATCHED ...
            assertThat(tasks.find(id).orElseThrow().state()).isEqualTo("DISPATCHED");
            // ... while the outcome is stored and committed by another thread, as result-ingest would
            CompletableFuture.runAsync(() -> recorder.recordAll(List.of(finished(id, 1, System.currentTimeMillis(),
                    "SUCCEEDED")))).join();
            return store.cancelIfAlive(id, "cancelled by a test");
        }));
        assertThat(cancelled).isEmpty();
        assertThat(api.task(id).path("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void anAttemptsOutputIsStoredApartOnlyWhenItWroteSomethingAndTheTaskShowsItsCurrentAttempts() {
        String id = api.submit("{\"type\": \"recording\", \"command\": [\"true\"], \"retry\": {\"maxAttempts\": 2}}");
        assertThat(store.claim(id, "ghost")).hasValue(1);
        long now = System.currentTimeMillis();
        recorder.recordAll(List.of(new RunReport(RunReport.FINISHED, id, 1, "ghost", now, "FAILED", 1, "first\n", "",
                true, false, null)));
        JsonNode retrying = api.task(id);
        assertThat(retrying.path("state").asText()).isEqualTo("RETRYING");
        assertThat(retrying.path("stdout").asText()).isEqualTo("first\n");
        assertThat(retrying.path("stdoutTruncated").asBoolean()).isTrue();

        store.requeueRetries(List.of(id));
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(id).path("state").asText().equals("QUEUED"));
        assertThat(store.claim(id, "ghost")).hasValue(2);
        recorder.recordAll(List.of(finished(id, 2, now + 5, "SUCCEEDED")));

        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.path("stdout").isNull()).as("the second attempt wrote nothing").isTrue();
        assertThat(task.path("stdoutTruncated").asBoolean()).isFalse();
        assertThat(api.get("/api/tasks/" + id + "/output").body().path("stdout").asText()).isEmpty();
        assertThat(sql.sql("SELECT attempt FROM task_output WHERE task_id = ?").param(id).query(Integer.class).list())
                .as("a row for the attempt that wrote something only").containsExactly(1);
    }

    private String dispatchedTask() {
        String id = api.submit("{\"type\": \"recording\", \"command\": [\"true\"]}");
        assertThat(store.claim(id, "ghost")).hasValue(1);
        return id;
    }

    private static RunReport started(String id, int attempt, long at) {
        return RunReport.started(id, attempt, "ghost", at);
    }

    private static RunReport finished(String id, int attempt, long at, String outcome) {
        return new RunReport(RunReport.FINISHED, id, attempt, "ghost", at, outcome,
                outcome.equals("SUCCEEDED") ? 0 : 1, "", "", false, false, null);
    }

    private static List<String> states(JsonNode task) {
        return task.path("events").findValues("state").stream().map(JsonNode::asText).toList();
    }
}

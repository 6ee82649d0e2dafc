package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import routes.redis.RetentionLease;
import routes.support.Api;
import routes.support.Cluster;

/**
 * History past its retention leaves the record (retention.yaml): ended tasks with their events and output (a
 * workflow's all together, and the workflow after them), a job's ended runs past its count, taken job fires, audit entries, resolved alert incidents with their notices and ended
 * alert deliveries with their attempts, in batches, on one control node at a time; what has not ended (a task, an
 * open incident, a PENDING delivery), what is recent and what a resident has not counted yet stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionTest {

    /** Small, so that a handful of rows takes several batches. */
    private static final int BATCH = 2;
    /** caravan.retention.runs-per-job: what a job without keepRuns keeps. */
    private static final int RUNS_PER_JOB = 3;
    /** No agent takes this type: submitted tasks wait in their queue until the test gives them a state. */
    private static final String TASK = "{\"type\": \"retention-test\", \"command\": [\"true\"]}";

    private Cluster cluster;
    private Api api;
    private JdbcClient sql;

    @BeforeAll
    void start(@TempDir Path dir) {
        String runsPerJob = "--caravan.retention.runs-per-job=" + RUNS_PER_JOB;
        cluster = new Cluster(dir).control("--caravan.retention.batch-size=" + BATCH, runsPerJob)
                .control("--caravan.retention.batch-size=" + BATCH, runsPerJob);
        api = cluster.api();
        sql = cluster.controlContext(0).getBean(JdbcClient.class);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void endedTasksPastTheirRetentionGoWithTheirEventsInBatchesAndTheOthersStay() {
        // five with batches of two: three batches
        List<String> old = new ArrayList<>();
        for (String state : List.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "SUCCEEDED")) {
            old.add(task(state, daysAgo(31)));
        }
        String recent = task("FAILED", daysAgo(29));
        // whatever their times say, tasks that have not ended stay
        List<String> alive = new ArrayList<>();
        for (String state : List.of("QUEUED", "RUNNING", "RETRYING")) {
            alive.add(task(state, daysAgo(40)));
        }

        pruneOn(0);

        for (String id : old) {
            assertGone(id);
        }
        for (String id : concat(alive, List.of(recent))) {
            assertKept(id);
        }
        assertThat(api.task(recent).path("state").asText()).isEqualTo("FAILED");
        assertThat(api.task(recent).path("stdout").asText()).isEqualTo("out of " + recent);
    }

    @Test
    void aJobKeepsItsNewestEndedRunsUpToItsKeepRunsAndThoseThatHaveNotEnded() {
        String job = job("keep-two", 2);
        // seven runs, one a minute, the oldest first; the fourth and the sixth still alive
        List<String> runs = new ArrayList<>();
        List<String> states = List.of("SUCCEEDED", "FAILED", "CANCELLED", "RUNNING", "TIMED_OUT", "QUEUED", "SUCCEEDED");
        for (int i = 0; i < states.size(); i++) {
            runs.add(run(job, states.get(i), minutesAgo(10 - i)));
        }

        pruneOn(0);

        // ended, newest first: 6, 4, 2, 1, 0; the newest two stay, the three others go (two batches)
        for (int i : new int[] {0, 1, 2}) {
            assertGone(runs.get(i));
        }
        for (int i : new int[] {3, 4, 5, 6}) {
            assertKept(runs.get(i));
        }
    }

    @Test
    void aJobWithoutKeepRunsKeepsTheRunsPerJobSettingAndKeepRunsZeroKeepsEveryRun() {
        String byDefault = job("keep-default", null);
        String keepAll = job("keep-all", 0);
        List<String> defaultRuns = new ArrayList<>();
        List<String> allRuns = new ArrayList<>();
        for (int i = 0; i < RUNS_PER_JOB + 2; i++) {
            defaultRuns.add(run(byDefault, "SUCCEEDED", minutesAgo(10 - i)));
            allRuns.add(run(keepAll, "SUCCEEDED", minutesAgo(10 - i)));
        }
        assertThat(api.get("/api/jobs/" + keepAll).body().path("keepRuns").asInt()).isZero();
        assertThat(api.get("/api/jobs/" + byDefault).body().path("keepRuns").isNull()).isTrue();

        pruneOn(0);

        assertGone(defaultRuns.get(0));
        assertGone(defaultRuns.get(1));
        defaultRuns.subList(2, defaultRuns.size()).forEach(this::assertKept);
        allRuns.forEach(this::assertKept);
    }

    @Test
    void listingTasksCarriesNoOutputWhileTheTaskItselfAndItsOutputReadDo() {
        String id = task("SUCCEEDED", daysAgo(1));

        JsonNode listed = api.get("/api/tasks?type=retention-test&limit=500").body().path("tasks");
        assertThat(listed).isNotEmpty();
        listed.forEach(task -> assertThat(task.has("stdout") || task.has("stderr") || task.has("stdoutTruncated"))
                .as(task.path("id").asText()).isFalse());
        JsonNode task = api.task(id);
        assertThat(task.path("stdout").asText()).isEqualTo("out of " + id);
        assertThat(task.path("stderrTruncated").asBoolean()).isTrue();
        JsonNode read = api.get("/api/tasks/" + id + "/output").body();
        assertThat(read.path("stdout").asText()).isEqualTo("out of " + id);
        assertThat(read.path("truncated").asBoolean()).isTrue();
    }

    @Test
    void jobFiresPastTheirRetentionGoAndRecentOnesStay() {
        long old = daysAgo(31);
        List<String> states = List.of("FIRED", "SKIPPED", "MISSED");
        for (int i = 0; i < states.size(); i++) {
            fire(states.get(i), old + i);
        }

        long recent = daysAgo(29);
        fire("FIRED", recent);

        pruneOn(0);

        assertThat(sql.sql("SELECT state, scheduled_at FROM job_fires WHERE job_id = 'retention-job'")
                .query((rs, n) -> rs.getString(1) + "@" + rs.getLong(2)).list())
                .as("three old fires, with batches of two").containsExactly("FIRED@" + recent);
    }

    @Test
    void auditEntriesPastTheirRetentionGo() {
        for (int days : new int[] {91, 91, 91, 89}) {
            sql.sql("INSERT INTO audit (at, actor, via, address, action, target, status, outcome) "
                    + "VALUES (?, 'retention-test', 'token', '127.0.0.1', 'submit-task', ?, 201, 'ok')")
                    .params(daysAgo(days), "days-" + days).update();
        }

        pruneOn(0);

        assertThat(sql.sql("SELECT target FROM audit WHERE actor = 'retention-test'").query(String.class).list())
                .containsExactly("days-89");
    }

    @Test
    void resolvedAlertsAndEndedDeliveriesPastTheirRetentionGoWithTheirNoticesAndAttemptsAndOpenOnesStay() throws Exception {
        // no check of the rules meanwhile: it would resolve the open incidents below, of a rule that is not there
        for (int node : new int[] {0, 1}) {
            camel(node).getRouteController().stopRoute("watch-alerts");
        }
        // three with batches of two: two batches
        List<Long> old = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            old.add(incident("RESOLVED", daysAgo(120), daysAgo(91)));
        }
        long recent = incident("RESOLVED", daysAgo(120), daysAgo(89));
        long firing = incident("FIRING", daysAgo(120), null);
        long pending = incident("PENDING", daysAgo(120), null);

        List<Long> ended = new ArrayList<>();
        for (String state : List.of("DELIVERED", "FAILED", "DELIVERED")) {
            ended.add(delivery(state, daysAgo(91)));
        }
        long endedRecently = delivery("FAILED", daysAgo(89));
        long due = delivery("PENDING", null);

        pruneOn(0);

        for (long id : old) {
            assertThat(count("alert_incidents WHERE id = ?", id)).as("incident " + id).isZero();
            assertThat(count("alert_notices WHERE incident_id = ?", id)).as("its notices").isZero();
        }
        for (long id : List.of(recent, firing, pending)) {
            assertThat(count("alert_incidents WHERE id = ?", id)).as("incident " + id).isOne();
            assertThat(count("alert_notices WHERE incident_id = ?", id)).as("its notice").isOne();
        }
        for (long id : ended) {
            assertThat(count("alert_deliveries WHERE id = ?", id)).as("delivery " + id).isZero();
            assertThat(count("alert_delivery_attempts WHERE delivery_id = ?", id)).as("its attempt").isZero();
        }
        for (long id : List.of(endedRecently, due)) {
            assertThat(count("alert_deliveries WHERE id = ?", id)).as("delivery " + id).isOne();
            assertThat(count("alert_delivery_attempts WHERE delivery_id = ?", id)).as("its attempt").isOne();
        }
        for (int node : new int[] {0, 1}) {
            camel(node).getRouteController().startRoute("watch-alerts");
        }
    }

    @Test
    void anInstanceStaysUntilItsResidentCountedItsEnd() throws Exception {
        String resident = api.post("/api/residents", "{\"name\": \"retention-test\", \"instances\": 0, \"task\": " + TASK + "}")
                .text("id");
        List<CamelContext> camels = List.of(camel(0), camel(1));
        for (CamelContext camel : camels) {
            camel.getRouteController().stopRoute("keep-residents");
        }
        long ended = daysAgo(40);
        String instance = task("FAILED", ended);
        sql.sql("UPDATE tasks SET resident_id = ?, started_at = ? WHERE id = ?").params(resident, ended - 1000, instance)
                .update();

        pruneOn(0);
        assertThat(exists(instance)).as("an end its resident has not counted").isTrue();

        for (CamelContext camel : camels) {
            camel.getRouteController().startRoute("keep-residents");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.sql("SELECT ended_seen FROM residents WHERE id = ?")
                .param(resident).query(Long.class).single() >= ended);
        pruneOn(0);
        assertThat(exists(instance)).as("counted").isFalse();
    }

    @Test
    void aWorkflowGoesWithItsTasksOnceEachEndedPastTheRetentionAndOneWithARecentTaskKeepsThemAll() {
        String old = workflow();
        String recent = workflow();
        List<String> oldTasks = workflowTasks(old);
        List<String> recentTasks = workflowTasks(recent);
        end(oldTasks.get(0), "SUCCEEDED", daysAgo(33));
        end(oldTasks.get(1), "CANCELLED", daysAgo(31));
        end(recentTasks.get(0), "SUCCEEDED", daysAgo(33));
        end(recentTasks.get(1), "FAILED", daysAgo(29));
        sql.sql("UPDATE workflows SET created_at = ? WHERE id IN (?, ?)").params(daysAgo(34), old, recent).update();

        pruneOn(0);

        oldTasks.forEach(this::assertGone);
        assertThat(api.get("/api/workflows/" + old).status()).isEqualTo(404);
        assertThat(sql.sql("SELECT COUNT(*) FROM workflow_tasks WHERE workflow_id = ?").param(old).query(Long.class)
                .single()).isZero();
        recentTasks.forEach(this::assertKept);
        assertThat(api.get("/api/workflows/" + recent).body().path("tasks")).hasSize(2);
    }

    @Test
    void aSecondControlNodeDoesNotPruneWhileTheFirstHoldsTheLease() {
        String id = task("SUCCEEDED", daysAgo(31));
        RetentionLease first = cluster.controlContext(0).getBean(RetentionLease.class);
        await().atMost(Duration.ofSeconds(30)).until(first::take);
        try {
            assertThat(prune(1)).as("the second node pruned").isFalse();
            assertThat(exists(id)).isTrue();
        } finally {
            first.release();
        }
        pruneOn(1);
        assertThat(exists(id)).isFalse();
    }

    /**
     * A submitted task put in this state, ended (finished) at this time, its creation a second before, with an event
     * and some output of its attempt.
     */
    private String task(String state, long finishedAt) {
        String id = api.submit(TASK);
        end(id, state, finishedAt);
        return id;
    }

    /** The task put in this state as {@link #task} does. */
    private void end(String id, String state, long finishedAt) {
        sql.sql("UPDATE tasks SET state = ?, created_at = ?, finished_at = ?, attempt = 1 WHERE id = ?")
                .params(state, finishedAt - 1000, finishedAt, id).update();
        sql.sql("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, NULL, 0, 'test')")
                .params(id, finishedAt, state).update();
        sql.sql("INSERT INTO task_output (task_id, attempt, stdout, stderr, stdout_truncated, stderr_truncated) "
                + "VALUES (?, 1, ?, 'err', FALSE, TRUE)").params(id, "out of " + id).update();
    }

    /** A workflow of two tasks of {@link #TASK}'s type, the second waiting for the first. */
    private String workflow() {
        Api.Response made = api.post("/api/workflows", "{\"tasks\": [{\"name\": \"first\", \"type\": \"retention-test\","
                + " \"command\": [\"true\"]}, {\"name\": \"second\", \"type\": \"retention-test\", \"command\": [\"true\"],"
                + " \"dependsOn\": [\"first\"]}]}");
        assertThat(made.status()).isEqualTo(201);
        return made.text("id");
    }

    private List<String> workflowTasks(String workflow) {
        return api.get("/api/workflows/" + workflow).body().path("tasks").findValuesAsText("taskId");
    }

    /** An incident in this state with one notice, started and (when resolved) resolved at these times. */
    private long incident(String state, long startedAt, Long resolvedAt) {
        String subject = "retention " + UUID.randomUUID();
        long id = insert("INSERT INTO alert_incidents (rule_id, subject, open_subject, state, summary, started_at,"
                + " resolved_at, notified) VALUES (0, ?, ?, ?, 'test', ?, ?, TRUE)",
                subject, resolvedAt == null ? subject : null, state, startedAt, resolvedAt);
        long at = resolvedAt == null ? startedAt : resolvedAt;
        sql.sql("INSERT INTO alert_notices (incident_id, rule, kind, subject, state, summary, started_at, resolved_at, at,"
                + " channels, handed_at) VALUES (?, 'retention-test', 'agent-dead', ?, ?, 'test', ?, ?, ?, '[]', ?)")
                .params(id, subject, resolvedAt == null ? "FIRING" : "RESOLVED", startedAt, resolvedAt, at, at).update();
        return id;
    }

    /**
     * A delivery in this state with one attempt, ended at this time; a PENDING one, made long ago, is not due before
     * the test ends, so no node sends it.
     */
    private long delivery(String state, Long endedAt) {
        long at = endedAt == null ? daysAgo(120) : endedAt;
        long id = insert("INSERT INTO alert_deliveries (notice_id, channel, notice, state, attempts, next_attempt_at,"
                + " created_at, ended_at) VALUES (?, 'retention-hook', '{}', ?, 1, ?, ?, ?)",
                Math.abs(UUID.randomUUID().getMostSignificantBits()), state, daysAgo(-1), at, endedAt);
        sql.sql("INSERT INTO alert_delivery_attempts (delivery_id, attempt, at, took_ms, outcome) VALUES (?, 1, ?, 5, ?)")
                .params(id, at, state.equals("PENDING") ? "FAILED" : state).update();
        return id;
    }

    private long insert(String statement, Object... params) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        sql.sql(statement).params(params).update(key, "id");
        return key.getKey().longValue();
    }

    private long count(String where, long id) {
        return sql.sql("SELECT COUNT(*) FROM " + where).param(id).query(Long.class).single();
    }

    /** A job that does not fire (its one time is far ahead), keeping this many runs (null: the setting's). */
    private String job(String name, Integer keepRuns) {
        return api.createJob("{\"name\": \"" + name + "\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}, "
                + "\"keepRuns\": " + keepRuns + ", \"task\": " + TASK + "}");
    }

    /** A task of the job as {@link #task}, made at this time; a run that has not ended has no finish time. */
    private String run(String job, String state, long at) {
        String id = task(state, at + 1000);
        sql.sql("UPDATE tasks SET job_id = ?, finished_at = CASE WHEN state IN ('QUEUED', 'RUNNING') THEN NULL "
                + "ELSE finished_at END WHERE id = ?").params(job, id).update();
        return id;
    }

    private void assertGone(String id) {
        assertThat(exists(id)).as(id).isFalse();
        assertThat(events(id)).as(id).isZero();
        assertThat(outputs(id)).as(id).isZero();
    }

    private void assertKept(String id) {
        assertThat(exists(id)).as(id).isTrue();
        assertThat(events(id)).as(id).isPositive();
        assertThat(outputs(id)).as(id).isPositive();
    }

    private void fire(String state, long scheduledAt) {
        sql.sql("INSERT INTO job_fires (job_id, scheduled_at, state, message, taken_at) VALUES ('retention-job', ?, ?, 'test', ?)")
                .params(scheduledAt, state, scheduledAt).update();
    }

    /** Runs a pruning pass on the n-th control node, once it gets the lease (a timer's pass may hold it a moment). */
    private void pruneOn(int node) {
        await().atMost(Duration.ofSeconds(30)).until(() -> prune(node));
    }

    /** Whether the n-th control node pruned (it held the lease). */
    private boolean prune(int node) {
        return camel(node).createProducerTemplate().requestBody("direct:prune-history", null, Boolean.class);
    }

    private CamelContext camel(int node) {
        return cluster.controlContext(node).getBean(CamelContext.class);
    }

    private boolean exists(String id) {
        return sql.sql("SELECT COUNT(*) FROM tasks WHERE id = ?").param(id).query(Long.class).single() > 0;
    }

    private long outputs(String id) {
        return sql.sql("SELECT COUNT(*) FROM task_output WHERE task_id = ?").param(id).query(Long.class).single();
    }

    private long events(String id) {
        return sql.sql("SELECT COUNT(*) FROM task_events WHERE task_id = ?").param(id).query(Long.class).single();
    }

    private static long minutesAgo(int minutes) {
        return System.currentTimeMillis() - Duration.ofMinutes(minutes).toMillis();
    }

    private static long daysAgo(int days) {
        return System.currentTimeMillis() - Duration.ofDays(days).toMillis();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

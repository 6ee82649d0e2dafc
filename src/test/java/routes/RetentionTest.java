package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.redis.RetentionLease;
import routes.support.Api;
import routes.support.Cluster;

/**
 * History past its retention leaves the record (retention.yaml): ended tasks with their events, taken job fires and
 * audit entries, in batches, on one control node at a time; what has not ended, what is recent and what a resident
 * has not counted yet stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionTest {

    /** Small, so that a handful of rows takes several batches. */
    private static final int BATCH = 2;
    /** No agent takes this type: submitted tasks wait in their queue until the test gives them a state. */
    private static final String TASK = "{\"type\": \"retention-test\", \"command\": [\"true\"]}";

    private Cluster cluster;
    private Api api;
    private JdbcClient sql;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.retention.batch-size=" + BATCH)
                .control("--caravan.retention.batch-size=" + BATCH);
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
            assertThat(exists(id)).as(id).isFalse();
            assertThat(events(id)).as(id).isZero();
        }
        for (String id : concat(alive, List.of(recent))) {
            assertThat(exists(id)).as(id).isTrue();
            assertThat(events(id)).as(id).isPositive();
        }
        assertThat(api.task(recent).path("state").asText()).isEqualTo("FAILED");
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

    /** A submitted task put in this state, ended (finished) at this time, its creation a second before. */
    private String task(String state, long finishedAt) {
        String id = api.submit(TASK);
        sql.sql("UPDATE tasks SET state = ?, created_at = ?, finished_at = ? WHERE id = ?")
                .params(state, finishedAt - 1000, finishedAt, id).update();
        sql.sql("INSERT INTO task_events (task_id, at, state, agent, attempt, message) VALUES (?, ?, ?, NULL, 0, 'test')")
                .params(id, finishedAt, state).update();
        return id;
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

    private long events(String id) {
        return sql.sql("SELECT COUNT(*) FROM task_events WHERE task_id = ?").param(id).query(Long.class).single();
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

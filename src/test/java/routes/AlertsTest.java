package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Caravan's own alerts (alerts.yaml): each rule opens one incident per subject while its condition holds, with one
 * FIRING notice, none again while it holds and one RESOLVED notice when it clears; notices are listed by the API
 * and handed to delivery; rules come from the API (checked, admins only) and from configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsTest {

    /** The type the test's worker runs; no other agent takes it. */
    private static final String WORK = "alerts-work";
    private static final String WORKER = "alerts-worker";
    private static final int PER_MINUTE = 3;

    private Cluster cluster;
    private Api api;
    private JdbcClient sql;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.alerts.check-millis=200", "--caravan.metrics.gauge-refresh-millis=200",
                "--caravan.alerts.quiet=2s", "--caravan.alerts.max-notices-per-minute=" + PER_MINUTE,
                "--caravan.alerts.rules[0].name=configured-quarantine", "--caravan.alerts.rules[0].kind=quarantine",
                "--caravan.alerts.rules[0].channels=ops-hook,ops-mail");
        api = cluster.api();
        sql = cluster.controlContext().getBean(JdbcClient.class);
        cluster.agent(WORKER, 2, WORK, Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.agent(WORKER).path("alive").asBoolean());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void anAgentThatDiesIsOneIncidentNotifiedOnceWhileDeadAndResolvedWhenItComesBack() {
        rule("{\"name\": \"agents-down\", \"kind\": \"agent-dead\", \"channels\": [\"ops-hook\"]}");
        ConfigurableApplicationContext agent = cluster.agent("alerts-mortal", 1, "alerts-mortal", Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.agent("alerts-mortal").path("alive").asBoolean());

        cluster.stop(agent);

        await().atMost(Duration.ofSeconds(20)).until(() -> notices("agents-down", "agent alerts-mortal").size() == 1);
        JsonNode firing = notices("agents-down", "agent alerts-mortal").get(0);
        assertThat(firing.path("state").asText()).isEqualTo("FIRING");
        assertThat(firing.path("kind").asText()).isEqualTo("agent-dead");
        assertThat(firing.path("subject").asText()).isEqualTo("agent alerts-mortal");
        assertThat(firing.path("summary").asText()).contains("alerts-mortal", "dead");
        assertThat(firing.path("channels")).hasSize(1);
        assertThat(firing.has("resolvedAt")).isFalse();
        // many checks later, still the one notice, handed to delivery
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> notices("agents-down", "agent alerts-mortal").size() == 1);
        assertThat(handed(firing.path("id").asLong())).isTrue();
        assertThat(api.get("/api/alerts/" + firing.path("id").asText()).body()).isEqualTo(firing);

        cluster.agent("alerts-mortal", 1, "alerts-mortal", Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> notices("agents-down", "agent alerts-mortal").size() == 2);
        JsonNode resolved = notices("agents-down", "agent alerts-mortal").get(0);
        assertThat(resolved.path("state").asText()).isEqualTo("RESOLVED");
        assertThat(resolved.path("incidentId").asLong()).isEqualTo(firing.path("incidentId").asLong());
        assertThat(resolved.path("startedAt").asText()).isEqualTo(firing.path("startedAt").asText());
        assertThat(resolved.has("resolvedAt")).isTrue();
        assertThat(api.get("/api/alerts?rule=agents-down&state=RESOLVED").body().path("alerts")).hasSize(1);
        assertThat(api.get("/api/alerts?subject=agent%20alerts-mortal&state=FIRING").body().path("total").asLong())
                .isEqualTo(1);
    }

    @Test
    void anAgentOverloadedForLongerThanTheRuleSaysFiresAndResolvesWhenItIsNoLongerOverloaded() {
        rule("{\"name\": \"busy-agents\", \"kind\": \"agent-overloaded\", \"after\": \"1s\"}");
        // any memory in use is too much for it: overloaded from its first heartbeat
        ConfigurableApplicationContext agent = cluster.agent("alerts-busy", 1, "alerts-busy", Map.of(),
                "--caravan.agent.max-memory=0.01");

        await().atMost(Duration.ofSeconds(20)).until(() -> notices("busy-agents").size() == 1);
        JsonNode firing = notices("busy-agents").get(0);
        assertThat(firing.path("subject").asText()).isEqualTo("agent alerts-busy");
        assertThat(firing.path("summary").asText()).contains("overloaded for more than 1s");
        assertThat(Duration.between(Instant.parse(firing.path("startedAt").asText()),
                Instant.parse(firing.path("at").asText()))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

        // a dead agent is no longer an overloaded one
        cluster.stop(agent);

        await().atMost(Duration.ofSeconds(20)).until(() -> notices("busy-agents").size() == 2);
        assertThat(notices("busy-agents").get(0).path("state").asText()).isEqualTo("RESOLVED");
    }

    @Test
    void theDeadMansSwitchFiresForAJobWithNoSuccessWithinItsTimeAndResolvesWhenItSucceeds() {
        // the job's schedule is years away: only a run by hand can make it succeed
        String job = api.createJob("""
                {"name": "must-run", "schedule": {"every": "1h", "start": "2030-01-01T00:00:00Z"},
                 "task": {"type": "%s", "command": ["true"]}}""".formatted(WORK));
        rule("{\"name\": \"must-run-silent\", \"kind\": \"job-silent\", \"job\": \"must-run\", \"after\": \"2s\"}");

        await().atMost(Duration.ofSeconds(15)).until(() -> notices("must-run-silent").size() == 1);
        JsonNode firing = notices("must-run-silent").get(0);
        assertThat(firing.path("subject").asText()).isEqualTo("job must-run");
        assertThat(firing.path("summary").asText()).contains("no successful run of job must-run within 2s");
        assertThat(firing.path("channels")).isEmpty();

        assertThat(api.post("/api/jobs/" + job + "/run", "").status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(15)).until(() -> notices("must-run-silent").size() == 2);
        assertThat(notices("must-run-silent").get(0).path("state").asText()).isEqualTo("RESOLVED");
    }

    @Test
    void aJobWhoseFiresAreSkippedIsOneIncidentResolvedOnceItHasBeenQuiet() {
        rule("{\"name\": \"skipped-fires\", \"kind\": \"job-missed\", \"job\": \"overlapping\", \"quiet\": \"2s\"}");
        // no agent takes its type: the first run stays queued, and every fire after it is skipped (overlap forbid)
        String job = api.createJob("""
                {"name": "overlapping", "schedule": {"every": "1s"}, "overlap": "forbid",
                 "task": {"type": "alerts-never", "command": ["true"], "priority": "urgent"}}""");

        await().atMost(Duration.ofSeconds(15)).until(() -> notices("skipped-fires").size() == 1);
        JsonNode firing = notices("skipped-fires").get(0);
        assertThat(firing.path("subject").asText()).isEqualTo("job overlapping");
        assertThat(firing.path("summary").asText()).contains("was skipped", "overlap forbid");
        // more fires are skipped while it holds: still one notice
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> notices("skipped-fires").size() == 1);

        assertThat(api.post("/api/jobs/" + job + "/pause", "").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> notices("skipped-fires").size() == 2);
        assertThat(notices("skipped-fires").get(0).path("state").asText()).isEqualTo("RESOLVED");
        api.runs(job).forEach(run -> api.post("/api/tasks/" + run.path("id").asText() + "/cancel", ""));
    }

    @Test
    void aTaskThatExhaustsItsAttemptsIsAnIncidentOfItsOwnResolvedAfterTheQuietPeriod() {
        rule("{\"name\": \"dead-letters\", \"kind\": \"task-exhausted\", \"type\": \"%s\", \"perTask\": true}"
                .formatted(WORK));
        String task = api.submit("{\"type\": \"%s\", \"shell\": \"exit 3\", \"retry\": {\"maxAttempts\": 2, \"backoff\": \"100ms\"}}"
                .formatted(WORK));

        await().atMost(Duration.ofSeconds(15)).until(() -> notices("dead-letters").size() == 1);
        JsonNode firing = notices("dead-letters").get(0);
        assertThat(firing.path("subject").asText()).isEqualTo("task " + task);
        assertThat(firing.path("summary").asText()).contains(task, "no attempt left");
        assertThat(api.task(task).path("attempt").asInt()).isEqualTo(2);

        // caravan.alerts.quiet (2s) without another: resolved
        await().atMost(Duration.ofSeconds(15)).until(() -> notices("dead-letters").size() == 2);
        assertThat(notices("dead-letters").get(0).path("state").asText()).isEqualTo("RESOLVED");
    }

    @Test
    void queuesWhoseOldestTaskIsTooOldFireWithinTheRateLimitAndResolveWhenEmptied() {
        rule("{\"name\": \"stale-queues\", \"kind\": \"queue-age\", \"priority\": \"normal\", \"after\": \"1s\"}");
        // four queues no agent takes: four incidents, of which the rate limit lets three be sent this minute
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < PER_MINUTE + 1; i++) {
            tasks.add(api.submit("{\"type\": \"alerts-nobody-" + i + "\", \"command\": [\"true\"]}"));
        }
        api.submit("{\"type\": \"alerts-nobody-0\", \"command\": [\"true\"], \"priority\": \"urgent\"}");

        await().atMost(Duration.ofSeconds(15)).until(() -> rules("stale-queues").path("suppressed").asLong() == 1);
        assertThat(notices("stale-queues")).hasSize(PER_MINUTE);
        for (JsonNode notice : notices("stale-queues")) {
            assertThat(notice.path("subject").asText()).matches("queue alerts-nobody-\\d/normal");
            assertThat(notice.path("summary").asText()).contains("has waited more than 1s");
        }

        for (String task : tasks) {
            assertThat(api.post("/api/tasks/" + task + "/cancel", "").status()).isEqualTo(200);
        }

        // the resolutions of notices sent are sent, the limit notwithstanding
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/api/alerts?rule=stale-queues&state=RESOLVED").body().path("total").asLong() == PER_MINUTE);
    }

    @Test
    void rulesAreCheckedNamingTheFieldToFixAndOnlyAdminsChangeThem() {
        assertRefused("{\"name\": \"x\", \"kind\": \"job-silent\", \"job\": \"nightly\"}", "after is required");
        assertRefused("{\"name\": \"x\", \"kind\": \"job-silent\", \"after\": \"1h\"}", "job is required");
        assertRefused("{\"name\": \"x\", \"kind\": \"agent-down\"}", "kind must be one of");
        assertRefused("{\"name\": \"x\"}", "kind is required");
        assertRefused("{\"kind\": \"agent-dead\"}", "name is required");
        assertRefused("{\"name\": \"x y\", \"kind\": \"agent-dead\"}", "name must match");
        assertRefused("{\"name\": \"x\", \"kind\": \"agent-dead\", \"type\": \"default\"}",
                "type is not taken by kind agent-dead");
        assertRefused("{\"name\": \"x\", \"kind\": \"queue-age\", \"after\": \"1m\", \"priority\": \"high\"}",
                "priority must be urgent or normal");
        assertRefused("{\"name\": \"x\", \"kind\": \"queue-age\", \"after\": \"soon\"}", "after must be a duration");
        assertRefused("{\"name\": \"x\", \"kind\": \"task-exhausted\", \"perTask\": \"yes\"}", "perTask must be true or false");
        assertRefused("{\"name\": \"x\", \"kind\": \"agent-dead\", \"channels\": \"ops\"}", "channels must be a list");
        assertRefused("{\"name\": \"x\", \"kind\": \"agent-dead\", \"severity\": 1}", "severity is not a");
        assertThat(api.get("/api/alerts?state=OPEN").status()).isEqualTo(400);
        assertThat(api.get("/api/alert-rules?name=x").status()).isEqualTo(400);

        JsonNode made = rule("{\"name\": \"slow-agents\", \"kind\": \"agent-overloaded\", \"after\": \"5m\"}");
        String id = made.path("id").asText();
        assertThat(made.path("after").asText()).isEqualTo("PT5M");
        assertThat(made.path("definedIn").asText()).isEqualTo("api");
        assertThat(api.post("/api/alert-rules", "{\"name\": \"slow-agents\", \"kind\": \"agent-dead\"}").status())
                .isEqualTo(409);
        assertThat(api.put("/api/alert-rules/" + id, "{\"name\": \"slow-agents\", \"kind\": \"agent-overloaded\","
                + " \"after\": \"10m\", \"channels\": [\"ops-hook\"]}").body().path("after").asText()).isEqualTo("PT10M");
        assertThat(api.post("/api/alert-rules/" + id + "/disable", "").body().path("enabled").asBoolean()).isFalse();
        assertThat(api.post("/api/alert-rules/" + id + "/enable", "").body().path("enabled").asBoolean()).isTrue();

        Api viewer = viewer();
        assertThat(viewer.get("/api/alert-rules/" + id).status()).isEqualTo(200);
        assertThat(viewer.get("/api/alerts").status()).isEqualTo(200);
        assertThat(viewer.post("/api/alert-rules", "{\"name\": \"v\", \"kind\": \"agent-dead\"}").status()).isEqualTo(403);
        assertThat(viewer.delete("/api/alert-rules/" + id).status()).isEqualTo(403);

        JsonNode configured = rules("configured-quarantine");
        assertThat(configured.path("definedIn").asText()).isEqualTo("configuration");
        assertThat(configured.path("channels").toString()).isEqualTo("[\"ops-hook\",\"ops-mail\"]");
        Api.Response refused = api.delete("/api/alert-rules/" + configured.path("id").asText());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("message")).contains("caravan.alerts.rules");

        assertThat(api.delete("/api/alert-rules/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/alert-rules/" + id).status()).isEqualTo(404);
        assertThat(api.get("/api/alert-rules/nothing").status()).isEqualTo(404);
        assertThat(api.get("/api/alerts/nothing").status()).isEqualTo(404);
        JsonNode audit = api.get("/api/audit?action=create-alert-rule&target=" + "").body();
        assertThat(audit.toString()).contains("create-alert-rule");
    }

    private JsonNode rule(String json) {
        Api.Response made = api.post("/api/alert-rules", json);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        return made.body();
    }

    private void assertRefused(String json, String message) {
        Api.Response refused = api.post("/api/alert-rules", json);
        assertThat(refused.status()).as(json).isEqualTo(400);
        assertThat(refused.text("message")).as(json).contains(message);
    }

    /** The rule's notices, newest first. */
    private List<JsonNode> notices(String rule) {
        List<JsonNode> notices = new ArrayList<>();
        api.get("/api/alerts?limit=100&rule=" + rule).body().path("alerts").forEach(notices::add);
        return notices;
    }

    /** The rule's notices about one subject, newest first. */
    private List<JsonNode> notices(String rule, String subject) {
        return notices(rule).stream().filter(notice -> notice.path("subject").asText().equals(subject)).toList();
    }

    private JsonNode rules(String name) {
        for (JsonNode rule : api.get("/api/alert-rules?limit=100").body().path("rules")) {
            if (rule.path("name").asText().equals(name)) {
                return rule;
            }
        }
        throw new AssertionError("no rule " + name);
    }

    private boolean handed(long noticeId) {
        return sql.sql("SELECT handed_at FROM alert_notices WHERE id = ?").param(noticeId).query(Long.class).optional()
                .isPresent();
    }

    private Api viewer() {
        api.post("/api/users", "{\"name\": \"alerts-viewer\", \"role\": \"viewer\", \"password\": \"alerts-viewer-pw\"}");
        return api.as(api.post("/api/tokens", "{\"name\": \"t\", \"user\": \"alerts-viewer\"}").text("token"));
    }
}

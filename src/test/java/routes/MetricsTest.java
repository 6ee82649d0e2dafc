package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import routes.support.Api;
import routes.support.Cluster;

/**
 * What a Prometheus scrape of /actuator/prometheus shows after a few tasks and a job's fire: Caravan's own counters
 * with their type and outcome labels, the histograms' buckets, the gauges of the queues and the fleet; and the
 * readiness and liveness probes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsTest {

    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control("--caravan.metrics.gauge-refresh-millis=200");
        cluster.agent("worker", 4, "default,metrics", Map.of());
        api = cluster.api();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.agent("worker").path("alive").asBoolean());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aScrapeCountsTasksByTypeAndOutcomeWithTheirLatencyHistograms() {
        String succeeded = api.submit("{\"type\": \"metrics\", \"command\": [\"true\"]}");
        String failed = api.submit("{\"type\": \"metrics\", \"command\": [\"false\"],"
                + " \"retry\": {\"maxAttempts\": 2, \"backoff\": \"100ms\"}}");
        String cancelled = api.submit("{\"type\": \"metrics\", \"command\": [\"sleep\", \"30\"]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(cancelled).path("state").asText().equals("RUNNING"));
        assertThat(api.post("/api/tasks/" + cancelled + "/cancel", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(succeeded).path("state").asText().equals("SUCCEEDED")
                && api.task(failed).path("state").asText().equals("FAILED"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(value(scrape, "caravan_tasks_submitted_total", "type=\"metrics\"")).hasValue(3);
            // the failed task was dispatched twice: its first attempt and its retry
            assertThat(value(scrape, "caravan_tasks_dispatched_total", "type=\"metrics\"")).hasValue(4);
            assertThat(value(scrape, "caravan_tasks_started_total", "type=\"metrics\"")).hasValue(4);
            assertThat(value(scrape, "caravan_tasks_ended_total", "type=\"metrics\"", "outcome=\"succeeded\"")).hasValue(1);
            assertThat(value(scrape, "caravan_tasks_ended_total", "type=\"metrics\"", "outcome=\"failed\"")).hasValue(1);
            assertThat(value(scrape, "caravan_tasks_ended_total", "type=\"metrics\"", "outcome=\"cancelled\"")).hasValue(1);
            assertThat(value(scrape, "caravan_tasks_retries_scheduled_total", "type=\"metrics\"")).hasValue(1);
            assertThat(value(scrape, "caravan_tasks_exhausted_total", "type=\"metrics\"")).hasValue(1);

            // histograms: buckets with SLO-friendly bounds, and counts
            assertThat(value(scrape, "caravan_tasks_dispatch_latency_seconds_count", "type=\"metrics\"",
                    "priority=\"normal\"")).hasValue(3);
            assertThat(value(scrape, "caravan_tasks_dispatch_latency_seconds_bucket", "type=\"metrics\"",
                    "priority=\"normal\"", "le=\"+Inf\"")).hasValue(3);
            assertThat(value(scrape, "caravan_tasks_dispatch_latency_seconds_bucket", "type=\"metrics\"",
                    "le=\"0.5\"")).isPresent();
            assertThat(value(scrape, "caravan_tasks_start_latency_seconds_count", "type=\"metrics\"")).hasValue(4);
            assertThat(value(scrape, "caravan_tasks_run_time_seconds_count", "type=\"metrics\"", "outcome=\"failed\""))
                    .hasValue(2);
            assertThat(value(scrape, "caravan_tasks_run_time_seconds_bucket", "type=\"metrics\"",
                    "outcome=\"succeeded\"", "le=\"1.0\"")).hasValue(1);
            assertThat(value(scrape, "caravan_tasks_end_to_end_seconds_count", "type=\"metrics\"",
                    "outcome=\"cancelled\"")).hasValue(1);
            assertThat(value(scrape, "caravan_tasks_end_to_end_seconds_bucket", "type=\"metrics\"",
                    "outcome=\"failed\"", "le=\"3600.0\"")).hasValue(1);
            // every dispatch pass is timed, with fine buckets: the passes that handed these tasks out among them
            assertThat(value(scrape, "caravan_dispatch_pass_seconds_count").orElse(-1)).isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "caravan_dispatch_pass_seconds_bucket", "le=\"+Inf\"").orElse(-1))
                    .isGreaterThanOrEqualTo(1);
            assertThat(scrape.lines().filter(line -> line.startsWith("caravan_dispatch_pass_seconds_bucket")))
                    .hasSizeGreaterThan(20);
            // no task id is ever a label
            assertThat(scrape).doesNotContain(succeeded).doesNotContain(failed).doesNotContain(cancelled);
        });
    }

    @Test
    void aJobsFireIsCountedWithItsLateness() {
        String job = api.createJob("{\"name\": \"metered\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"},"
                + " \"task\": {\"command\": [\"true\"]}}");
        String task = api.post("/api/jobs/" + job + "/run", "").text("taskId");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(task).path("state").asText().equals("SUCCEEDED"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(value(scrape, "caravan_jobs_fires_total", "outcome=\"fired\"").orElse(-1)).isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "caravan_jobs_fire_lateness_seconds_bucket", "le=\"+Inf\"").orElse(-1)).isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "caravan_jobs_fire_started_seconds_count").orElse(-1)).isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "caravan_jobs_fire_queued_seconds", "quantile=\"0.99\"")).isPresent();
            assertThat(value(scrape, "caravan_planner_pass_seconds_count")).isPresent();
            // a job's name is no label
            assertThat(scrape).doesNotContain("metered");
        });
    }

    @Test
    void gaugesShowTheQueuesTheFleetTheResultsBacklogAndTheQuarantine() {
        api.submit("{\"type\": \"unserved\", \"command\": [\"true\"]}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(value(scrape, "caravan_queue_depth", "type=\"unserved\"", "priority=\"normal\"")).hasValue(1);
            assertThat(value(scrape, "caravan_queue_oldest_age_seconds", "type=\"unserved\"", "priority=\"normal\"").orElse(-1)).isGreaterThan(0);
            assertThat(value(scrape, "caravan_queue_depth", "type=\"unserved\"", "priority=\"urgent\"")).hasValue(0);
            assertThat(value(scrape, "caravan_agents", "state=\"live\"")).hasValue(1);
            assertThat(value(scrape, "caravan_agents", "state=\"dead\"")).hasValue(0);
            assertThat(value(scrape, "caravan_agents_slots")).hasValue(4);
            assertThat(value(scrape, "caravan_agents_slots_used")).isPresent();
            // the one agent beats every second: its heartbeat is never older than the agent timeout while it lives
            assertThat(value(scrape, "caravan_agents_heartbeat_oldest_age_seconds").orElse(-1)).isBetween(0.0, 5.0);
            assertThat(value(scrape, "caravan_results_backlog")).isPresent();
            assertThat(value(scrape, "caravan_quarantine_messages")).hasValue(0);
            assertThat(value(scrape, "caravan_failovers_total")).hasValue(0);
            assertThat(value(scrape, "caravan_redis_restores_total")).isPresent();
            assertThat(value(scrape, "caravan_reconciler_repairs_total", "repair=\"requeued\"")).isPresent();
        });
    }

    @Test
    void readinessAsksTheStoresAndTheEssentialRoutesAndLivenessAsksNeither() {
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        // the probes are open: a kubelet has no token
        assertThat(api.as(null).get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    @Test
    void aStoppedEssentialRouteMakesTheNodeNotReadyButStillLive() throws Exception {
        CamelContext camel = cluster.controlContext().getBean(CamelContext.class);
        camel.getRouteController().stopRoute("release-retries");
        try {
            assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(503);
            assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        } finally {
            camel.getRouteController().startRoute("release-retries");
        }
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    /**
     * ops/grafana/caravan.json and ops/prometheus/alerts.yml name only metrics a scrape shows (after the tests above
     * made them count), and the rules are Prometheus rule groups: each rule an alert with an expression whose
     * brackets close.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    @SuppressWarnings("unchecked")
    void theShippedDashboardAndAlertRulesNameMetricsThatExist() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("ops/grafana/caravan.json").toFile());
        List<String> expressions = new ArrayList<>(dashboard.findValuesAsText("expr"));
        assertThat(expressions).hasSizeGreaterThan(15);
        Map<String, Object> rules = new Yaml().load(Files.readString(Path.of("ops/prometheus/alerts.yml")));
        List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
        for (Map<String, Object> group : groups) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                assertThat(rule).containsKeys("alert", "expr", "annotations").as(rule.toString());
                String expr = (String) rule.get("expr");
                assertThat(expr.chars().filter(c -> c == '(').count()).as(expr)
                        .isEqualTo(expr.chars().filter(c -> c == ')').count());
                expressions.add(expr);
            }
        }
        String scrape = scrape();
        Set<String> named = new TreeSet<>();
        for (String expression : expressions) {
            Matcher metric = Pattern.compile("caravan_[a-z_]+").matcher(expression);
            while (metric.find()) {
                named.add(metric.group());
            }
        }
        assertThat(named).hasSizeGreaterThan(15)
                .allSatisfy(name -> assertThat(scrape).as(name + " in the scrape").containsPattern("(?m)^" + name + "[{ ]"));
    }

    /** The scrape, as Prometheus reads it, with an admin's token (a viewer's would do). */
    private String scrape() {
        Api.Response response = api.get("/actuator/prometheus");
        assertThat(response.status()).isEqualTo(200);
        return response.body().asText();
    }

    /** The value of the series {@code name} whose labels include all of {@code labels}; empty when there is none. */
    private static OptionalDouble value(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return OptionalDouble.empty();
    }
}

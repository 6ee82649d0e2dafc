package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.NodeProcess;
import routes.support.Ports;

/**
 * Chaos: tasks in flight while agents crash (SIGKILL, with the processes they run), a control node is killed with
 * SIGKILL and started again, and Redis loses every key once. Afterwards every task has exactly one outcome, the
 * one it was written to have; none is lost; none that succeeded ran again. Each task that runs to its end writes
 * "id attempt" to a ledger file, so a second run shows. Two workflows (a diamond: root, then left and right, then
 * join) run through it too: no task of theirs started before each of its parents had succeeded, and the join got
 * both parents' results. The killed control node runs in a JVM of its own and
 * shares the stores, so this needs MariaDB and Redis: it runs with {@code -Dcaravan.test.stores=external}.
 */
@EnabledIf("routes.support.TestStores#external")
class ChaosTest {

    private static final Logger log = LoggerFactory.getLogger(ChaosTest.class);
    private static final int WAVE = 40;
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED");

    @Test
    void everyTaskEndsOnceThroughAgentCrashesAControlKillAndARedisFlush(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger");
        List<NodeProcess> nodes = new ArrayList<>();
        // the processes stop before the cluster's stores are cleaned up: a live agent would write its heartbeat again
        try (Cluster cluster = new Cluster(dir).control("--caravan.redis.reconcile-millis=2000");
             AutoCloseable stopNodes = () -> {
                 for (NodeProcess node : nodes) {
                     node.close();
                 }
             }) {
            Api stable = cluster.api();
            int port = Ports.free();
            Api killable = new Api(port, Cluster.TOKEN);
            NodeProcess control = NodeProcess.control(cluster.stores(), dir, "control-x", port);
            nodes.add(control);
            List<NodeProcess> agents = new ArrayList<>();
            for (String id : List.of("a1", "a2", "a3")) {
                agents.add(agent(cluster, dir, id, nodes));
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> reachable(killable) && liveAgents(stable) == 3);

            Map<String, Boolean> expected = new LinkedHashMap<>();   // task id -> should succeed
            List<Map<String, String>> workflows = new ArrayList<>();   // each: task name -> id
            submitWave(List.of(stable, killable), ledger, 0, expected);
            await().atMost(Duration.ofSeconds(60)).until(() -> running(stable, expected.keySet()) >= 8);
            agents.get(0).crash();
            agents.add(agent(cluster, dir, "a4", nodes));
            workflows.add(submitWorkflow(killable, ledger, 0, expected));

            submitWave(List.of(killable, stable), ledger, 1, expected);
            control.kill();
            submitWave(List.of(stable), ledger, 2, expected);
            await().atMost(Duration.ofSeconds(60)).until(() -> running(stable, expected.keySet()) >= 8);
            workflows.add(submitWorkflow(stable, ledger, 1, expected));
            cluster.stores().flushRedis();
            control = NodeProcess.control(cluster.stores(), dir, "control-x", port);
            nodes.add(control);
            agents.get(1).crash();
            agents.add(agent(cluster, dir, "a5", nodes));
            submitWave(List.of(stable), ledger, 3, expected);

            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> expected.keySet().stream().allMatch(id -> ENDED.contains(state(stable, id))));

            Map<String, List<Integer>> runs = ledgerRuns(ledger);
            int succeeded = 0;
            for (Map.Entry<String, Boolean> task : expected.entrySet()) {
                JsonNode record = stable.task(task.getKey());
                String outcome = record.path("state").asText();
                assertThat(outcome).as(task.getKey()).isEqualTo(task.getValue() ? "SUCCEEDED" : "FAILED");
                assertThat(outcomeEvents(record)).as(task.getKey() + " outcomes").hasSize(1);
                if (task.getValue()) {
                    succeeded++;
                    List<Integer> attempts = runs.getOrDefault(task.getKey(), List.of());
                    int last = record.path("attempt").asInt();
                    // runs that ended on a crashed agent with no report may come before; none after, none twice
                    assertThat(attempts).as(task.getKey() + " runs").contains(last).doesNotHaveDuplicates()
                            .allMatch(attempt -> attempt <= last);
                }
            }
            // a workflow's task started only once each parent had succeeded: its first run comes after their last
            List<String> lines = Files.readAllLines(ledger).stream().map(String::trim).toList();
            for (Map<String, String> workflow : workflows) {
                for (String[] edge : DIAMOND) {
                    String parent = workflow.get(edge[0]);
                    String child = workflow.get(edge[1]);
                    int parentsLastRun = lines.indexOf(parent + " " + stable.task(parent).path("attempt").asInt());
                    int childsFirstRun = lines.stream().filter(line -> line.startsWith(child + " ")).findFirst()
                            .map(lines::indexOf).orElse(-1);
                    assertThat(parentsLastRun).as(edge[0] + "'s run that succeeded").isNotNegative();
                    assertThat(childsFirstRun).as(edge[1] + " after " + edge[0]).isGreaterThan(parentsLastRun);
                }
                assertThat(stable.task(workflow.get("join")).path("stdout").asText()).isEqualTo("L R\n");
                assertThat(stable.get("/api/workflows/" + stable.task(workflow.get("join")).path("workflowId").asText())
                        .text("state")).isEqualTo("SUCCEEDED");
            }
            // the chaos did hit work in flight: the crashed agents' tasks ran again elsewhere
            assertThat(expected.keySet().stream().filter(id -> stable.task(id).path("events").findValuesAsText("message")
                    .stream().anyMatch(m -> m.matches("agent a[12] stopped sending heartbeats.*")))).isNotEmpty();
            log.info("chaos: {} tasks submitted ({} of them in {} workflows), {} succeeded, {} failed as written, 0 lost,"
                    + " 0 duplicate outcomes, every workflow in order", expected.size(), workflows.stream().mapToInt(Map::size).sum(),
                    workflows.size(), succeeded, expected.size() - succeeded);
        }
    }

    /** WAVE tasks through the given nodes in turn: most sleep and write the ledger, one in eight fails after a retry. */
    private static void submitWave(List<Api> apis, Path ledger, int wave, Map<String, Boolean> expected) {
        for (int i = 0; i < WAVE; i++) {
            boolean succeeds = i % 8 != 7;
            String shell = succeeds
                    ? "sleep " + (0.3 + (i % 10) * 0.25) + "; echo $CARAVAN_TASK_ID $CARAVAN_ATTEMPT >> " + ledger
                    : "sleep 0.2; exit 3";
            String json = "{\"shell\": \"" + shell + "\", \"key\": \"chaos-" + wave + "-" + i + "\", "
                    + "\"labels\": {\"pool\": \"chaos\"}, \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1s\"}}";
            expected.put(apis.get(i % apis.size()).submit(json), succeeds);
        }
    }

    /** The edges of a workflow's diamond: parent, child. */
    private static final String[][] DIAMOND = {{"root", "left"}, {"root", "right"}, {"left", "join"}, {"right", "join"}};

    /**
     * A workflow through the given node: a diamond whose tasks write the ledger as the waves' do, left and right also
     * their letter to stdout, which join prints from its parents' results. Returns its tasks' ids by name.
     */
    private static Map<String, String> submitWorkflow(Api api, Path ledger, int n, Map<String, Boolean> expected) {
        String common = "\"labels\": {\"pool\": \"chaos\"}, \"retry\": {\"maxAttempts\": 2, \"backoff\": \"1s\"}";
        String write = "echo $CARAVAN_TASK_ID $CARAVAN_ATTEMPT >> " + ledger;
        Api.Response made = api.post("/api/workflows", """
                {"key": "chaos-workflow-%d", "tasks": [
                  {"name": "root", "shell": "sleep 1; %s", %s},
                  {"name": "left", "shell": "sleep 1.5; echo L; %s", "dependsOn": ["root"], %s},
                  {"name": "right", "shell": "sleep 0.5; echo R; %s", "dependsOn": ["root"], %s},
                  {"name": "join", "shell": "echo $CARAVAN_PARENT_LEFT_RESULT $CARAVAN_PARENT_RIGHT_RESULT; %s",
                   "dependsOn": ["left", "right"], %s}]}
                """.formatted(n, write, common, write, common, write, common, write, common));
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        Map<String, String> ids = new LinkedHashMap<>();
        made.body().path("tasks").forEach(task -> ids.put(task.path("name").asText(), task.path("taskId").asText()));
        ids.values().forEach(id -> expected.put(id, true));
        return ids;
    }

    private static NodeProcess agent(Cluster cluster, Path dir, String id, List<NodeProcess> nodes) {
        NodeProcess agent = NodeProcess.agent(cluster.stores(), dir, id, 4, Map.of("pool", "chaos"));
        nodes.add(agent);
        return agent;
    }

    /** Terminal-state events that were applied (a report for an attempt no longer current is an "ignored" event). */
    private static List<String> outcomeEvents(JsonNode task) {
        List<String> outcomes = new ArrayList<>();
        for (JsonNode event : task.path("events")) {
            if (ENDED.contains(event.path("state").asText()) && !event.path("message").asText().startsWith("ignored")) {
                outcomes.add(event.path("state").asText());
            }
        }
        return outcomes;
    }

    private static Map<String, List<Integer>> ledgerRuns(Path ledger) throws IOException {
        Map<String, List<Integer>> runs = new HashMap<>();
        for (String line : Files.readAllLines(ledger)) {
            String[] parts = line.trim().split(" ");
            runs.computeIfAbsent(parts[0], id -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        return runs;
    }

    private static String state(Api api, String id) {
        return api.task(id).path("state").asText();
    }

    private static long running(Api api, Set<String> ids) {
        return Set.copyOf(ids).stream().filter(id -> state(api, id).equals("RUNNING")).count();
    }

    private static int liveAgents(Api api) {
        Set<String> live = new HashSet<>();
        for (JsonNode entry : api.get("/api/agents").body()) {
            if (entry.path("alive").asBoolean()) {
                live.add(entry.path("status").path("id").asText());
            }
        }
        return live.size();
    }

    private static boolean reachable(Api api) {
        try {
            return api.get("/api/agents").status() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}

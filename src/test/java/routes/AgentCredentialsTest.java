package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import routes.message.RunReport;
import routes.redis.RedisKeys;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Agents with Redis ACL users of their own, with the rights docs/operations.md gives them: they run tasks as usual,
 * and a compromised agent can neither give another agent work, nor write a task's specification, nor forge another
 * agent's reports or hand-backs, nor plant a quarantined entry that replays into another agent's inbox. Needs a Redis
 * with ACLs (the machine's Redis 7): it runs with {@code -Dcaravan.test.stores=external}; the ACL users it creates
 * are removed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIf("routes.support.TestStores#external")
class AgentCredentialsTest {

    private static final String LONG_TASK = "{\"command\": [\"sleep\", \"60\"], \"agent\": \"%s\"}";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String a = "acl-a-" + suffix;
    private final String b = "acl-b-" + suffix;
    private final String password = "pw-" + UUID.randomUUID();
    private final List<LettuceConnectionFactory> connections = new ArrayList<>();

    private Cluster cluster;
    private Api api;
    private RedisKeys keys;
    private StringRedisTemplate admin;
    /** Redis as agent a sees it, with a's credentials: what a compromised host of agent a can do. */
    private StringRedisTemplate asA;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control();
        api = cluster.api();
        keys = cluster.controlContext().getBean(RedisKeys.class);
        admin = cluster.stores().redis();
        String prefix = cluster.stores().prefix;
        acl("SETUSER", concat(a, agentRules(prefix, a, password)));
        acl("SETUSER", concat(b, agentRules(prefix, b, password)));
        cluster.agent(a, 2, "default", Map.of(), "--spring.data.redis.username=" + a,
                "--spring.data.redis.password=" + password);
        cluster.agent(b, 2, "default", Map.of(), "--spring.data.redis.username=" + b,
                "--spring.data.redis.password=" + password);
        asA = connect(a);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.agent(a).path("alive").asBoolean()
                && api.agent(b).path("alive").asBoolean());
    }

    @AfterAll
    void stop() {
        connections.forEach(LettuceConnectionFactory::destroy);
        if (cluster != null) {
            // the agents first: deleting a user closes its connections
            try {
                cluster.close();
            } finally {
                acl("DELUSER", List.of(a, b));
            }
        }
    }

    /**
     * The rules of docs/operations.md ("Agent credentials") for one agent; the test's prefix in place of the
     * operator's.
     */
    static List<String> agentRules(String prefix, String agent, String password) {
        String p = "{" + prefix + "}";
        return List.of("reset", "on", ">" + password, "resetchannels",
                "+ping", "+hello", "+auth", "+client|setname", "+info", "+time",
                "&" + prefix + ":cancel", "+subscribe", "+unsubscribe",
                "%R~" + p + ":task:*", "%R~" + p + ":drains", "%R~" + p + ":code", "%R~" + p + ":output:watched:*",
                "+get", "+sismember", "+hgetall", "+exists",
                "(~" + p + ":inbox:" + agent + " ~" + p + ":inflight:" + agent + " ~" + p + ":reports:" + agent
                        + " ~" + p + ":drained:" + agent + " ~" + p + ":agent:" + agent + " ~" + p
                        + ":quarantine:agent:" + agent + " ~" + p + ":poison:agent:" + agent + ":* &" + prefix
                        + ":wake +lmove +blmove +lrange +llen +lrem +rpush +set +hset +hlen +incr +expire +del"
                        + " +publish +evalsha +eval)",
                "(~" + p + ":agents +zadd +evalsha +eval)",
                "(~" + p + ":output:* +hset +hget +expire +del +evalsha +eval)",
                "(~" + p + ":reported +rpush)");
    }

    @Test
    void eachAgentRunsItsTasksWithItsOwnCredentials() {
        for (String agent : List.of(a, b)) {
            String id = api.submit("{\"command\": [\"echo\", \"hello from " + agent + "\"], \"agent\": \"" + agent + "\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
            assertThat(api.task(id).path("agent").asText()).isEqualTo(agent);
            assertThat(api.task(id).path("stdout").asText()).contains("hello from " + agent);
        }
    }

    @Test
    void anAgentShowsLiveOutputWithItsOwnCredentials() {
        String id = api.submit("{\"shell\": \"echo live from a; sleep 30\", \"agent\": \"" + a + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/tasks/" + id + "/output").body()
                .path("stdout").asText().contains("live from a"));
        assertThat(api.post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(200);
    }

    @Test
    void anAgentFollowsADrainRequestWithItsOwnCredentials() {
        assertThat(api.post("/api/agents/" + a + "/drain", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.agent(a).path("status").path("draining").asBoolean());
        assertThat(api.post("/api/agents/" + a + "/resume", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !api.agent(a).path("status").path("draining").asBoolean());
    }

    @Test
    void anAgentCannotGiveAnotherAgentWorkNorWriteWhatControlWrites() {
        String taken = api.submit("{\"command\": [\"true\"], \"agent\": \"" + b + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(taken).path("state").asText().equals("SUCCEEDED"));
        refused(() -> asA.opsForList().rightPush(keys.inbox(b), taken + ":1"));
        refused(() -> asA.opsForList().range(keys.inbox(b), 0, -1));
        refused(() -> asA.opsForList().rightPush(keys.inflight(b), taken + ":1"));
        refused(() -> asA.opsForValue().set(keys.task(taken), "{\"command\": [\"rm\", \"-rf\", \"/\"]}"));
        refused(() -> asA.opsForList().rightPush(keys.reports(b), "{}"));
        refused(() -> asA.opsForList().rightPush(keys.results(), b + "|{}"));
        refused(() -> asA.opsForList().rightPush(keys.handedBack(), b + "|" + taken + ":1|drained"));
        refused(() -> asA.opsForList().rightPush(keys.drained(b), taken + ":1"));
        refused(() -> asA.opsForHash().put(keys.codeVersions(), "evil/1", "{}"));
        refused(() -> asA.opsForSet().add(keys.drains(), b));
        refused(() -> asA.opsForHash().put(keys.quarantine(), "0123456789abcdef", "{}"));
        refused(() -> asA.opsForHash().put(keys.agentQuarantine(b), "0123456789abcdef", "{}"));
        refused(() -> asA.opsForValue().set(keys.agent(b), "{}"));
        refused(() -> asA.convertAndSend(keys.cancelChannel(), taken));
        // nor through a script: a script may touch only what the user may, declared or not
        refused(() -> asA.execute(RedisScript.of("return redis.call('RPUSH', KEYS[1], ARGV[1])", Long.class),
                List.of(keys.inbox(b)), taken + ":1"));
        refused(() -> asA.execute(RedisScript.of("return redis.call('RPUSH', ARGV[1], ARGV[2])", Long.class),
                List.of(keys.reports(a)), keys.inbox(b), taken + ":1"));
        assertThat(admin.opsForList().size(keys.inbox(b))).isZero();
        // what it may do: read a task's specification, use its own lists
        assertThat(asA.opsForValue().get(keys.task(taken))).isNull();
        assertThat(asA.opsForList().size(keys.inbox(a))).isNotNull();
    }

    @Test
    void aReportAgentAForgesForAgentBsAttemptIsNotRecorded() throws Exception {
        String id = api.submit(LONG_TASK.formatted(b));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("RUNNING"));
        int attempt = api.task(id).path("attempt").asInt();
        RunReport forged = new RunReport(RunReport.FINISHED, id, attempt, b, System.currentTimeMillis(), "SUCCEEDED",
                0, "forged", "", false, false, null);
        asA.opsForList().rightPush(keys.reports(a), new ObjectMapper().writeValueAsString(forged));
        asA.opsForList().rightPush(keys.reported(), a);

        await().atMost(Duration.ofSeconds(20)).until(() -> events(id).stream()
                .anyMatch(m -> m.contains("report of attempt " + attempt + " from " + a)));
        JsonNode task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("RUNNING");
        assertThat(task.path("agent").asText()).isEqualTo(b);
        assertThat(task.path("stdout").asText()).doesNotContain("forged");

        // a hand-back a forges for b's attempt is taken from a's list as a's, and changes nothing either
        asA.opsForList().rightPush(keys.drained(a), id + ":" + attempt);
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.opsForList().size(keys.drained(a)) == 0
                && admin.opsForList().size(keys.reclaiming("control-0")) == 0);
        task = api.task(id);
        assertThat(task.path("state").asText()).isEqualTo("RUNNING");
        assertThat(task.path("attempt").asInt()).isEqualTo(attempt);

        // b still hears control: a cancel reaches it, and its own report is recorded
        api.post("/api/tasks/" + id + "/cancel", "");
        await().atMost(Duration.ofSeconds(20)).until(() -> api.task(id).path("state").asText().equals("CANCELLED"));
    }

    @Test
    void anAgentsQuarantinedEntryReplaysOnlyIntoItsOwnInbox() throws Exception {
        // a's own failure, set aside with a's credentials: shown as a's
        admin.opsForList().rightPush(keys.inbox(a), "garbage-" + suffix);
        await().atMost(Duration.ofSeconds(20)).until(() -> quarantined().stream()
                .anyMatch(m -> m.path("message").asText().equals("garbage-" + suffix)
                        && m.path("where").asText().equals(a)));

        // an entry a plants in its own quarantine, naming b's inbox: replayed, it goes to a's inbox
        String planted = new ObjectMapper().writeValueAsString(Map.of("id", "0123456789abcdef", "loop", "agent-inbox",
                "message", "planted-" + suffix, "error", "x", "attempts", 3, "at", "2026-01-01T00:00:00Z",
                "where", b, "replayTo", keys.inbox(b), "replay", "LIST"));
        asA.opsForHash().put(keys.agentQuarantine(a), "0123456789abcdef", planted);
        JsonNode shown = quarantined().stream().filter(m -> m.path("message").asText().equals("planted-" + suffix))
                .findFirst().orElseThrow();
        assertThat(shown.path("where").asText()).isEqualTo(a);
        assertThat(shown.path("replayTo").asText()).isEqualTo(keys.inbox(a));
        assertThat(api.post("/api/quarantine/" + shown.path("id").asText() + "/replay", "").status()).isEqualTo(200);
        assertThat(admin.opsForList().range(keys.inbox(b), 0, -1)).doesNotContain("planted-" + suffix);
    }

    private List<JsonNode> quarantined() {
        Api.Response response = api.get("/api/quarantine");
        assertThat(response.status()).isEqualTo(200);
        return StreamSupport.stream(response.body().spliterator(), false).toList();
    }

    private List<String> events(String id) {
        return api.task(id).path("events").findValuesAsText("message");
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static void refused(Runnable attempt) {
        // NOPERM, or for a key a script names but did not declare, "can't access"
        assertThatThrownBy(attempt::run).rootCause().hasMessageMatching("(?s).*(NOPERM|can't access).*");
    }

    private StringRedisTemplate connect(String user) {
        RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(cluster.stores().redisHost,
                cluster.stores().redisPort);
        config.setUsername(user);
        config.setPassword(password);
        LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        connections.add(factory);
        return new StringRedisTemplate(factory);
    }

    private void acl(String subcommand, List<String> args) {
        CommandArgs<String, String> command = new CommandArgs<>(StringCodec.UTF8).add(subcommand).addValues(args);
        RedisClient client = RedisClient.create(RedisURI.create(cluster.stores().redisHost, cluster.stores().redisPort));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            if (subcommand.equals("DELUSER")) {
                connection.sync().dispatch(CommandType.ACL, new IntegerOutput<>(StringCodec.UTF8), command);
            } else {
                connection.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), command);
            }
        } finally {
            client.shutdown();
        }
    }
}

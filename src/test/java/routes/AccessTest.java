package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Users, roles, tokens, console sessions and the audit trail: each caller can do what its role allows and no more,
 * credentials are kept only as hashes and stop working when revoked, expired or their user is gone, and every change
 * is on record with who made it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {

    /**
     * The role each API operation needs, as docs/api.md tells it. Changing a role in an *-api.yaml file means
     * changing it here too, on purpose.
     */
    private static final Map<String, String> ROLES = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /api/tasks", "viewer"), Map.entry("GET /api/tasks/{id}", "viewer"),
            Map.entry("POST /api/tasks", "operator"), Map.entry("POST /api/tasks/batch", "operator"),
            Map.entry("POST /api/tasks/{id}/cancel", "operator"), Map.entry("POST /api/tasks/{id}/retry", "operator"),
            Map.entry("POST /api/tasks/bulk-retry", "operator"), Map.entry("POST /api/tasks/bulk-cancel", "operator"),
            Map.entry("GET /api/tasks/{id}/output", "viewer"), Map.entry("GET /api/dashboard", "viewer"),
            Map.entry("POST /api/workflows", "operator"), Map.entry("GET /api/workflows", "viewer"),
            Map.entry("GET /api/workflows/{id}", "viewer"), Map.entry("DELETE /api/workflows/{id}", "operator"),
            Map.entry("POST /api/jobs/preview", "viewer"),
            Map.entry("GET /api/jobs", "viewer"), Map.entry("GET /api/jobs/{id}", "viewer"),
            Map.entry("GET /api/jobs/{id}/next", "viewer"), Map.entry("GET /api/jobs/{id}/fires", "viewer"),
            Map.entry("GET /api/jobs/{id}/runs", "viewer"),
            Map.entry("POST /api/jobs/{id}/pause", "operator"), Map.entry("POST /api/jobs/{id}/resume", "operator"),
            Map.entry("POST /api/jobs/{id}/run", "operator"),
            Map.entry("POST /api/workers/{id}", "worker"), Map.entry("POST /api/workers/{id}/leases", "worker"),
            Map.entry("POST /api/workers/{id}/leases/{lease}/extend", "worker"),
            Map.entry("POST /api/workers/{id}/leases/{lease}/report", "worker"),
            Map.entry("POST /api/jobs", "admin"), Map.entry("PUT /api/jobs/{id}", "admin"),
            Map.entry("DELETE /api/jobs/{id}", "admin"),
            Map.entry("GET /api/agents", "viewer"), Map.entry("GET /api/queues", "viewer"),
            Map.entry("POST /api/agents/{id}/drain", "operator"), Map.entry("POST /api/agents/{id}/resume", "operator"),
            Map.entry("GET /api/residents", "viewer"), Map.entry("GET /api/residents/{id}", "viewer"),
            Map.entry("POST /api/residents", "admin"), Map.entry("PUT /api/residents/{id}", "admin"),
            Map.entry("POST /api/residents/{id}/scale", "admin"), Map.entry("DELETE /api/residents/{id}", "admin"),
            Map.entry("GET /api/versions", "viewer"), Map.entry("POST /api/versions", "admin"),
            Map.entry("DELETE /api/versions/{project}/{version}", "admin"),
            Map.entry("GET /api/quarantine", "admin"), Map.entry("POST /api/quarantine/{id}/replay", "admin"),
            Map.entry("DELETE /api/quarantine/{id}", "admin"),
            Map.entry("GET /api/session", "viewer"), Map.entry("POST /api/session", "viewer"),
            Map.entry("DELETE /api/session", "viewer"),
            Map.entry("GET /api/tokens", "viewer"), Map.entry("POST /api/tokens", "viewer"),
            Map.entry("DELETE /api/tokens/{id}", "viewer"),
            Map.entry("GET /api/users", "admin"), Map.entry("POST /api/users", "admin"),
            Map.entry("PUT /api/users/{name}", "admin"), Map.entry("DELETE /api/users/{name}", "admin"),
            Map.entry("GET /api/audit", "admin"),
            Map.entry("GET /api/alert-channels", "admin"), Map.entry("GET /api/alert-channels/{name}", "admin"),
            Map.entry("POST /api/alert-channels", "admin"), Map.entry("PUT /api/alert-channels/{name}", "admin"),
            Map.entry("DELETE /api/alert-channels/{name}", "admin"),
            Map.entry("GET /api/alerts/{id}/deliveries", "viewer"),
            Map.entry("GET /api/alert-rules", "viewer"), Map.entry("GET /api/alert-rules/{id}", "viewer"),
            Map.entry("POST /api/alert-rules", "admin"), Map.entry("PUT /api/alert-rules/{id}", "admin"),
            Map.entry("DELETE /api/alert-rules/{id}", "admin"), Map.entry("POST /api/alert-rules/{id}/enable", "admin"),
            Map.entry("POST /api/alert-rules/{id}/disable", "admin"),
            Map.entry("GET /api/alerts", "viewer"), Map.entry("GET /api/alerts/{id}", "viewer")));
    private static final List<String> LEVELS = List.of("viewer", "operator", "admin");

    private Cluster cluster;
    private Api admin;
    private final Map<String, Api> asRole = new LinkedHashMap<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new Cluster(dir).control();
        admin = cluster.api();
        for (String role : LEVELS) {
            assertThat(admin.post("/api/users", user("role-" + role, role)).status()).isEqualTo(201);
            Api.Response token = admin.post("/api/tokens", "{\"name\": \"table\", \"user\": \"role-" + role + "\"}");
            assertThat(token.status()).as(token.body().toString()).isEqualTo(201);
            assertThat(token.text("role")).isEqualTo(role);
            asRole.put(role, admin.as(token.text("token")));
        }
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void everyOperationNeedsTheRoleItsDescriptionDeclares() {
        JsonNode paths = admin.get("/api/openapi.json").body().path("paths");
        Map<String, String> declared = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (operation.getValue().has("security")) {
                    declared.put(operation.getKey().toUpperCase() + " " + path.getKey(),
                            operation.getValue().path("security").path(0).path("bearer").path(0).asText());
                }
            }
        }
        assertThat(declared).isEqualTo(ROLES);
    }

    @Test
    void aCallerBelowAnOperationsRoleIsRefusedAndOneAtItIsLetInAndEachChangeIsOnRecordOnce() {
        Map<String, Api> caller = new LinkedHashMap<>();
        for (String role : LEVELS) {
            admin.post("/api/users", user("table-" + role, role));
            caller.put(role, admin.as(admin.post("/api/tokens", "{\"name\": \"t\", \"user\": \"table-" + role + "\"}")
                    .text("token")));
        }
        // a worker token, of a user of its own so that its refused changes are not counted as the operator's
        admin.post("/api/users", user("table-bots", "operator"));
        caller.put("worker", admin.as(admin.post("/api/tokens", "{\"name\": \"w\", \"user\": \"table-bots\","
                + " \"role\": \"worker\", \"types\": [\"resize\"]}").text("token")));
        JsonNode paths = admin.get("/api/openapi.json").body().path("paths");
        List<String> wrong = new ArrayList<>();
        Map<String, String> changes = new TreeMap<>();
        ROLES.forEach((operation, needed) -> {
            if (operation.endsWith(" /api/session")) {
                return; // the login and logout are open to everybody; GET is checked below
            }
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(operation.indexOf(' ') + 1);
            String path = template.replaceAll("\\{[^}]+}", "no-such-thing");
            for (String role : caller.keySet()) {
                int status = send(caller.get(role), method, path).status();
                // the worker role stands aside: its token may use the worker protocol only, which operators and
                // admins may use too
                boolean allowed = needed.equals("worker") ? !role.equals("viewer")
                        : !role.equals("worker") && LEVELS.indexOf(role) >= LEVELS.indexOf(needed);
                if (allowed ? status == 401 || status == 403 || status >= 500 : status != 403) {
                    wrong.add(operation + " as " + role + ": " + status);
                }
            }
            int anonymous = send(admin.as(null), method, path).status();
            if (anonymous != 401) {
                wrong.add(operation + " without credentials: " + anonymous);
            }
            // the worker protocol is on record in the tasks' event logs, not in the audit
            if (!method.equals("GET") && !needed.equals("worker")) {
                changes.put(operation, paths.path(template).path(method.toLowerCase()).path("operationId").asText()
                        .replaceFirst("^rest-", ""));
            }
        });
        assertThat(wrong).isEmpty();
        // each caller's one attempt at each change is one record, done or refused; the anonymous one is nobody's
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> records = new ArrayList<>();
            changes.forEach((operation, action) -> {
                for (String role : LEVELS) {
                    records.add(operation + " by " + role + ": " + admin.get("/api/audit?action=" + action
                            + "&actor=table-" + role).body().path("total").asInt());
                }
            });
            assertThat(records).allMatch(record -> record.endsWith(": 1"));
        });
        Api.Response refused = caller.get("viewer").post("/api/tasks", "{\"command\": [\"true\"]}");
        assertThat(refused.text("message")).isEqualTo("this needs the role operator; table-viewer has the role viewer");

        // a request no operation is found for is an admin's: the API never serves anything to a lower role by mistake
        assertThat(caller.get("operator").delete("/api/jobs/no-such-thing/").status()).isEqualTo(403);
        assertThat(caller.get("viewer").get("/api/no-such-thing").status()).isEqualTo(403);
        assertThat(caller.get("admin").get("/api/no-such-thing").status()).isEqualTo(404);
        assertThat(caller.get("viewer").get("/api/openapi.json").status()).isEqualTo(200);
    }

    @Test
    void aTokenIsShownOnceStoredAsAHashAndNeverAboveItsUser() throws Exception {
        Api operator = asRole.get("operator");
        Api.Response made = operator.post("/api/tokens", "{\"name\": \"ci\", \"role\": \"viewer\", \"expiresAt\": \""
                + Instant.now().plus(Duration.ofDays(1)) + "\"}");
        assertThat(made.status()).isEqualTo(201);
        String token = made.text("token");
        assertThat(token).startsWith("cvt_").hasSizeGreaterThan(40);
        assertThat(admin.as(token).get("/api/session").body().path("role").asText()).isEqualTo("viewer");
        assertThat(admin.as(token).post("/api/tasks", "{\"command\": [\"true\"]}").status()).isEqualTo(403);

        JsonNode listed = operator.get("/api/tokens").body();
        assertThat(listed.toString()).doesNotContain(token).contains("\"ci\"");
        assertThat(listed.findValuesAsText("user")).containsOnly("role-operator");
        JdbcClient sql = cluster.controlContext().getBean(JdbcClient.class);
        assertThat(sql.sql("SELECT token_hash FROM api_tokens").query(String.class).list())
                .doesNotContain(token).contains(sha256(token));
        assertThat(sql.sql("SELECT password_hash FROM users").query(String.class).list())
                .allMatch(hash -> hash.startsWith("{argon2@SpringSecurity_v5_8}$argon2id$"));

        Api.Response above = operator.post("/api/tokens", "{\"name\": \"more\", \"role\": \"admin\"}");
        assertThat(above.status()).isEqualTo(409);
        assertThat(above.text("message")).contains("at most its user's (operator)");
        assertThat(operator.post("/api/tokens", "{\"name\": \"x\", \"user\": \"role-admin\"}").status()).isEqualTo(403);

        assertThat(operator.delete("/api/tokens/" + made.text("id")).status()).isEqualTo(204);
        assertThat(admin.as(token).get("/api/session").status()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenAndATokenOfARemovedUserStopWorking() {
        admin.post("/api/users", user("leaving", "operator"));
        Api.Response token = admin.post("/api/tokens", "{\"name\": \"short\", \"user\": \"leaving\", \"expiresAt\": \""
                + Instant.now().plusSeconds(2) + "\"}");
        Api leaving = admin.as(token.text("token"));
        assertThat(leaving.get("/api/tasks").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> leaving.get("/api/tasks").status() == 401);

        admin.post("/api/users", user("gone", "operator"));
        Api gone = admin.as(admin.post("/api/tokens", "{\"name\": \"t\", \"user\": \"gone\"}").text("token"));
        assertThat(gone.get("/api/tasks").status()).isEqualTo(200);
        assertThat(admin.delete("/api/users/gone").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> gone.get("/api/tasks").status() == 401);
    }

    @Test
    void theConsoleSessionNeedsItsCsrfTokenForChangesAndEndsAtLogout() {
        admin.post("/api/users", user("console-op", "operator"));
        Api.Session session = admin.login("console-op", "password-of-console-op");
        assertThat(session.login().status()).isEqualTo(200);
        assertThat(session.login().body().path("role").asText()).isEqualTo("operator");
        List<String> cookies = session.login().headers().allValues("Set-Cookie");
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("CARAVAN_SESSION=").contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict"));
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("XSRF-TOKEN=").doesNotContain("HttpOnly"));
        assertThat(admin.as(null).get("/").headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("frame-ancestors 'none'");

        Api anonymous = admin.as(null);
        assertThat(anonymous.send(session.with(anonymous.request("/api/session").GET(), false), null).body()
                .path("name").asText()).isEqualTo("console-op");
        HttpRequest.Builder submit = anonymous.request("/api/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"nobody-takes-this\", \"command\": [\"true\"]}"));
        Api.Response withoutToken = anonymous.send(session.with(submit, false), null);
        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(withoutToken.text("message")).contains("X-XSRF-TOKEN");
        assertThat(anonymous.send(session, anonymous.request("/api/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"nobody-takes-this\", \"command\": [\"true\"]}")))
                .status()).isEqualTo(201);

        assertThat(anonymous.send(session, anonymous.request("/api/session").DELETE()).status()).isEqualTo(204);
        assertThat(anonymous.send(session.with(anonymous.request("/api/session").GET(), false), null).status())
                .isEqualTo(401);
    }

    @Test
    void passwordGuessingIsSlowedDown() {
        admin.post("/api/users", user("guessed", "viewer"));
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(admin.login("guessed", "not-the-password").login().status()).isEqualTo(401);
        }
        Api.Response throttled = admin.login("guessed", "password-of-guessed").login();
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(admin.login("nobody-at-all", "whatever-it-is").login().status()).isEqualTo(401);
    }

    @Test
    void aDemotedUserLosesTheRightsAtOnceAndTheLastAdminStays() {
        admin.post("/api/users", user("demoted", "operator"));
        Api.Session session = admin.login("demoted", "password-of-demoted");
        Api anonymous = admin.as(null);
        assertThat(admin.put("/api/users/demoted", "{\"role\": \"viewer\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> anonymous.send(session, anonymous.request("/api/tasks")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\": [\"true\"]}"))).status() == 403);

        Api.Response last = admin.delete("/api/users/admin");
        assertThat(last.status()).isIn(204, 409);
        if (last.status() == 409) {
            assertThat(last.text("message")).contains("last admin");
        }
    }

    @Test
    void everyKindOfChangeLeavesOneRecordWithItsActor() {
        Api operator = asRole.get("operator");
        String task = operator.submit("{\"type\": \"nobody-takes-this\", \"command\": [\"true\"]}");
        operator.post("/api/tasks/" + task + "/cancel", "");
        asRole.get("viewer").post("/api/tasks/" + task + "/retry", "");
        admin.post("/api/users", user("audited", "viewer"));
        admin.login("audited", "wrong-password-here");
        admin.login("audited", "password-of-audited");

        assertThat(entry("submit-task", "role-operator", null).path("status").asInt()).isEqualTo(201);
        JsonNode cancel = entry("cancel-task", "role-operator", task);
        assertThat(cancel.path("outcome").asText()).isEqualTo("ok");
        assertThat(cancel.path("via").asText()).isEqualTo("token");
        assertThat(cancel.path("address").asText()).isEqualTo("127.0.0.1");
        JsonNode refused = entry("retry-task", "role-viewer", task);
        assertThat(refused.path("status").asInt()).isEqualTo(403);
        assertThat(refused.path("outcome").asText()).contains("needs the role operator");
        assertThat(entry("create-user", "admin-token", "audited").path("via").asText()).isEqualTo("admin-token");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/audit?action=log-in&target=audited").body()
                .path("total").asInt() == 2);
        JsonNode logins = admin.get("/api/audit?action=log-in&target=audited").body();
        assertThat(logins.path("total").asInt()).isEqualTo(2);
        assertThat(logins.path("entries").findValuesAsText("status")).containsExactly("200", "401");
        assertThat(logins.path("entries").findValuesAsText("actor")).containsOnly("audited");
        assertThat(asRole.get("operator").get("/api/audit").status()).isEqualTo(403);
    }

    @Test
    void aChangeAnApiRouteRefusesIsOnRecordWithTheMessageItsCallerRead() {
        Api.Response refused = admin.post("/api/jobs", "{\"name\": \"audited-bad-cron\", "
                + "\"schedule\": {\"cron\": \"0 61 9 * * ?\"}, \"task\": {\"command\": [\"true\"]}}");
        assertThat(refused.status()).isEqualTo(400);

        JsonNode entry = entry("create-job", "admin-token", "audited-bad-cron");
        assertThat(entry.path("status").asInt()).isEqualTo(400);
        assertThat(entry.path("outcome").asText()).isEqualTo(refused.text("message"));
    }

    @Test
    void auditEntriesPastTheirRetentionAreDeleted() {
        JdbcClient sql = cluster.controlContext().getBean(JdbcClient.class);
        long now = System.currentTimeMillis();
        for (long age : new long[] {Duration.ofDays(91).toMillis(), Duration.ofDays(89).toMillis()}) {
            sql.sql("INSERT INTO audit (at, actor, via, address, action, target, status, outcome) "
                    + "VALUES (?, 'retention', 'token', '127.0.0.1', 'submit-task', ?, 201, 'ok')")
                    .params(now - age, "age-" + age).update();
        }
        CamelContext camel = cluster.controlContext().getBean(CamelContext.class);
        // a pass of the hourly timer may hold the lease a moment
        await().atMost(Duration.ofSeconds(30))
                .until(() -> camel.createProducerTemplate().requestBody("direct:prune-history", null, Boolean.class));
        assertThat(sql.sql("SELECT target FROM audit WHERE actor = 'retention'").query(String.class).list())
                .containsExactly("age-" + Duration.ofDays(89).toMillis());
    }

    /** The one audit entry of this action by this actor (on this target), once written: after the answer, at times. */
    private JsonNode entry(String action, String actor, String target) {
        String query = "/api/audit?action=" + action + "&actor=" + actor + (target == null ? "" : "&target=" + target);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get(query).body().path("total").asInt() >= 1);
        JsonNode page = admin.get(query).body();
        assertThat(page.path("total").asInt()).as(action + " by " + actor + ": " + page).isEqualTo(1);
        return page.path("entries").path(0);
    }

    private static String user(String name, String role) {
        return "{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"password\": \"password-of-" + name + "\"}";
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Api.Response send(Api api, String method, String path) {
        return switch (method) {
            case "GET" -> api.get(path);
            case "DELETE" -> api.delete(path);
            case "PUT" -> api.put(path, "{}");
            default -> api.post(path, "{}");
        };
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.NodeProcess;
import routes.support.WebhookReceiver;

/**
 * What issue 11 calls done for alerts, end to end: rules and channels made through the API, a real agent process
 * killed with SIGKILL, and what an operator receives on a local webhook receiver (checking the signature) and a
 * local SMTP server (GreenMail): one FIRING webhook and one FIRING email, nothing more while the agent stays dead,
 * one RESOLVED of each once it is back; and a must-run job whose runs fail told once, resolved when a run succeeds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "end-to-end-secret-" + "0123456789abcdef";
    /** How often the rules are checked (caravan.alerts.check-millis) and the gauges they read refreshed. */
    private static final Duration CHECK = Duration.ofMillis(250);
    /** Long enough for several checks: what is sent once would be sent again within it if it were to be. */
    private static final Duration SEVERAL_CHECKS = CHECK.multipliedBy(8);

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withPerMethodLifecycle(false);

    private final WebhookReceiver receiver = new WebhookReceiver();
    private Path dir;
    private Cluster cluster;
    private Api api;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        cluster = new Cluster(dir).control("--spring.mail.host=127.0.0.1", "--spring.mail.port=" + SMTP.getSmtp().getPort(),
                "--caravan.alerts.check-millis=" + CHECK.toMillis(), "--caravan.metrics.gauge-refresh-millis=" + CHECK.toMillis(),
                "--caravan.alerts.delivery.check-millis=" + CHECK.toMillis(), "--caravan.dispatcher.agent-timeout=3s",
                "--caravan.alerts.delivery.mail-from=caravan@e2e.example");
        api = cluster.api();
        created(api.post("/api/alert-channels", "{\"name\": \"ops-hook\", \"kind\": \"webhook\", \"url\": \""
                + receiver.url("/ops") + "\", \"secret\": \"" + SECRET + "\"}"));
        created(api.post("/api/alert-channels", "{\"name\": \"ops-mail\", \"kind\": \"email\", \"to\": [\"ops@e2e.example\"]}"));
    }

    @AfterAll
    void stop() {
        cluster.close();
        receiver.close();
    }

    @Test
    void aKilledAgentIsOneSignedWebhookAndOneEmailWhileDeadAndOneResolvedOfEachWhenItIsBack() throws Exception {
        created(api.post("/api/alert-rules", "{\"name\": \"agent-down\", \"kind\": \"agent-dead\","
                + " \"channels\": [\"ops-hook\", \"ops-mail\"]}"));
        try (NodeProcess agent = NodeProcess.agent(cluster.stores(), dir, "e2e-agent", 1, Map.of())) {
            await().atMost(Duration.ofSeconds(90)).until(() -> api.agent("e2e-agent").path("alive").asBoolean());

            agent.kill();

            await().atMost(Duration.ofSeconds(30)).until(() -> webhooks("agent-down", "FIRING").size() == 1
                    && mails("FIRING", "e2e-agent").size() == 1);
            WebhookReceiver.Request firing = webhooks("agent-down", "FIRING").get(0);
            assertSigned(firing);
            JsonNode notice = read(firing.body());
            assertThat(notice.path("kind").asText()).isEqualTo("agent-dead");
            assertThat(notice.path("subject").asText()).isEqualTo("agent e2e-agent");
            assertThat(notice.path("summary").asText()).contains("agent e2e-agent is dead");
            MimeMessage mail = mails("FIRING", "e2e-agent").get(0);
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ops@e2e.example");
            assertThat(GreenMailUtil.getBody(mail)).contains("State: FIRING", "agent e2e-agent is dead");

            // it stays dead for several checks: nothing more is sent
            await().during(SEVERAL_CHECKS).atMost(SEVERAL_CHECKS.multipliedBy(2)).until(() ->
                    webhooks("agent-down", null).size() == 1 && mails(null, "e2e-agent").size() == 1);

            // the agent comes back (in this JVM: cheaper to start than a process, and the same agent to the rule)
            ConfigurableApplicationContext back = cluster.agent("e2e-agent", 1, "default", Map.of());
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> webhooks("agent-down", "RESOLVED").size() == 1
                        && mails("RESOLVED", "e2e-agent").size() == 1);
                assertSigned(webhooks("agent-down", "RESOLVED").get(0));
                JsonNode resolved = read(webhooks("agent-down", "RESOLVED").get(0).body());
                assertThat(resolved.path("incidentId").asLong()).isEqualTo(notice.path("incidentId").asLong());
                assertThat(Instant.parse(resolved.path("resolvedAt").asText())).isAfter(Instant.parse(notice.path("at").asText()));

                await().during(SEVERAL_CHECKS).atMost(SEVERAL_CHECKS.multipliedBy(2)).until(() ->
                        webhooks("agent-down", null).size() == 2 && mails(null, "e2e-agent").size() == 2);
            } finally {
                cluster.stop(back);
            }
        }
    }

    @Test
    void aMustRunJobWhoseRunsFailIsToldOnceAndResolvedWhenARunSucceeds() {
        cluster.agent("e2e-worker", 2, "e2e-work", Map.of());
        String failing = """
                {"name": "must-run", "schedule": {"every": "1s"},
                 "task": {"type": "e2e-work", "command": ["%s"]}}""";
        String job = api.createJob(failing.formatted("false"));
        created(api.post("/api/alert-rules", "{\"name\": \"must-run-silent\", \"kind\": \"job-silent\","
                + " \"job\": \"must-run\", \"after\": \"2s\", \"channels\": [\"ops-hook\"]}"));

        await().atMost(Duration.ofSeconds(30)).until(() -> webhooks("must-run-silent", "FIRING").size() == 1);
        assertSigned(webhooks("must-run-silent", "FIRING").get(0));
        JsonNode notice = read(webhooks("must-run-silent", "FIRING").get(0).body());
        assertThat(notice.path("subject").asText()).isEqualTo("job must-run");
        assertThat(notice.path("summary").asText()).contains("no successful run of job must-run within 2s");
        assertThat(api.runs(job).findValuesAsText("state")).contains("FAILED").doesNotContain("SUCCEEDED");
        // its runs go on failing: told once
        await().during(SEVERAL_CHECKS).atMost(SEVERAL_CHECKS.multipliedBy(2)).until(() ->
                webhooks("must-run-silent", null).size() == 1);

        assertThat(api.put("/api/jobs/" + job, failing.formatted("true")).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> webhooks("must-run-silent", "RESOLVED").size() == 1);
        assertThat(webhooks("must-run-silent", "FIRING")).hasSize(1);
        assertThat(api.post("/api/jobs/" + job + "/pause", "").status()).isEqualTo(200);
    }

    /** As a receiver checks a request: its signature is the HMAC-SHA256 of its timestamp and body. */
    private static void assertSigned(WebhookReceiver.Request request) {
        assertThat(request.header("Caravan-Signature")).isEqualTo("sha256=" + WebhookReceiver.hmac(SECRET,
                request.header("Caravan-Timestamp") + "." + request.body()));
    }

    private static void created(Api.Response response) {
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
    }

    /** The webhook requests of the rule's notices in this state (any, when null), in the order received. */
    private List<WebhookReceiver.Request> webhooks(String rule, String state) {
        return receiver.requests("/ops").stream().filter(request -> {
            JsonNode notice = read(request.body());
            return notice.path("rule").asText().equals(rule) && (state == null || notice.path("state").asText().equals(state));
        }).toList();
    }

    /** The emails received in this state (any, when null) whose subject names this. */
    private static List<MimeMessage> mails(String state, String about) {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(mail -> {
            String subject = subject(mail);
            return subject.contains(about) && (state == null || subject.startsWith("[Caravan] " + state + ":"));
        }).toList();
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.alert.AlertNotice;
import routes.support.Api;
import routes.support.Cluster;
import routes.support.ConsoleUsers;
import routes.support.WebhookReceiver;

/**
 * Alert notices reach their channels (alert-delivery.yaml), against real receivers: a webhook on a local HTTP server
 * that checks the signature and fails when told to, and an email through a local SMTP server (GreenMail). Each attempt
 * is recorded; a failed one is tried again with backoff, and after the last one the delivery is FAILED saying why.
 * Channels are managed through /api/alert-channels by admins, checked field by field, and never show their secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertChannelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "webhook-secret-" + "0123456789abcdef";
    private static final Duration BACKOFF = Duration.ofMillis(300);

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withPerMethodLifecycle(false);

    private final AtomicLong noticeIds = new AtomicLong(1000);
    private final WebhookReceiver receiver = new WebhookReceiver();
    private Cluster cluster;
    private Api admin;

    @BeforeAll
    void start(@TempDir Path dir) {
        receiver.start();
        String[] settings = {
                "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + SMTP.getSmtp().getPort(),
                "--caravan.alerts.delivery.attempts=3", "--caravan.alerts.delivery.backoff=" + BACKOFF.toMillis() + "ms",
                "--caravan.alerts.delivery.max-backoff=" + BACKOFF.multipliedBy(2).toMillis() + "ms",
                "--caravan.alerts.delivery.timeout=2s", "--caravan.alerts.delivery.check-millis=50",
                "--caravan.alerts.delivery.mail-from=caravan@test.example",
                "--caravan.alerts.channels[0].name=ops-mail", "--caravan.alerts.channels[0].kind=email",
                "--caravan.alerts.channels[0].to=ops@test.example,oncall@test.example",
                "--caravan.alerts.channels[1].name=configured-hook", "--caravan.alerts.channels[1].kind=webhook",
                "--caravan.alerts.channels[1].url=" + receiver.url("/configured"),
                "--caravan.alerts.channels[1].secret=" + SECRET};
        // two control nodes: both look for due deliveries, and only one sends each
        cluster = new Cluster(dir).control(settings).control(settings);
        admin = cluster.api();
    }

    @AfterAll
    void stop() {
        cluster.close();
        receiver.close();
    }

    @Test
    void aWebhookGetsTheNoticeSignedAndAFailingOneIsTriedAgainWithBackoffUntilItIsDelivered() throws Exception {
        receiver.failFirst("/flaky", 2);
        webhook("flaky-hook", "/flaky");

        AlertNotice notice = notice("FIRING", "agent a1 is dead", "flaky-hook");
        deliver(notice);

        JsonNode delivery = awaitDelivery(notice.id(), "DELIVERED");
        JsonNode attempts = delivery.path("attempts");
        assertThat(attempts).hasSize(3);
        assertThat(attempts.findValuesAsText("outcome")).containsExactly("FAILED", "FAILED", "DELIVERED");
        assertThat(attempts.get(0).path("error").asText()).contains("answered 503 Service Unavailable");
        // the wait doubles: backoff, then twice that
        assertThat(gap(attempts, 0, 1)).isGreaterThanOrEqualTo(BACKOFF.toMillis());
        assertThat(gap(attempts, 1, 2)).isGreaterThanOrEqualTo(BACKOFF.multipliedBy(2).toMillis());
        assertThat(delivery.path("lastError").isNull()).isTrue();

        List<WebhookReceiver.Request> got = receiver.requests("/flaky");
        assertThat(got).hasSize(3);
        for (WebhookReceiver.Request request : got) {
            assertThat(request.header("Caravan-Signature")).isEqualTo("sha256=" + WebhookReceiver.hmac(SECRET,
                    request.header("Caravan-Timestamp") + "." + request.body()));
            assertThat(Math.abs(Long.parseLong(request.header("Caravan-Timestamp")) - Instant.now().getEpochSecond()))
                    .isLessThan(60);
            // the same delivery on every attempt, so a receiver can drop a repeat
            assertThat(request.header("Caravan-Delivery")).isEqualTo(delivery.path("id").asText());
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            JsonNode body = JSON.readTree(request.body());
            assertThat(body.path("id").asLong()).isEqualTo(notice.id());
            assertThat(body.path("state").asText()).isEqualTo("FIRING");
            assertThat(body.path("summary").asText()).isEqualTo("agent a1 is dead");
        }
    }

    @Test
    void aDeliveryThatNeverGetsThroughIsFailedAfterItsLastAttemptSayingWhy() {
        receiver.failFirst("/down", Integer.MAX_VALUE);
        webhook("down-hook", "/down");

        AlertNotice notice = notice("FIRING", "queue q is 10 minutes behind", "down-hook");
        deliver(notice);

        JsonNode delivery = awaitDelivery(notice.id(), "FAILED");
        assertThat(delivery.path("lastError").asText())
                .isEqualTo("gave up after 3 attempts: http://127.0.0.1:" + receiver.port() + " answered 503 Service Unavailable");
        assertThat(delivery.path("attempts").findValuesAsText("outcome")).containsExactly("FAILED", "FAILED", "FAILED");
        assertThat(delivery.path("nextAttemptAt").isNull()).isTrue();
        assertThat(receiver.requests("/down")).hasSize(3);
    }

    @Test
    void aRedirectIsNotFollowedAndTheAttemptSaysSo() {
        webhook("moved-hook", "/moved");

        AlertNotice notice = notice("FIRING", "job nightly missed its fire", "moved-hook");
        deliver(notice);

        JsonNode delivery = awaitDelivery(notice.id(), "FAILED");
        assertThat(delivery.path("lastError").asText()).contains("answered 302 Found (redirects are not followed");
        assertThat(receiver.requests("/elsewhere")).isEmpty();
    }

    @Test
    void anEmailChannelSendsThePlainTextNoticeToItsAddressesFromTheConfiguredSender() throws Exception {
        AlertNotice notice = notice("RESOLVED", "agent a2 is back", "ops-mail");
        deliver(notice);

        awaitDelivery(notice.id(), "DELIVERED");
        List<MimeMessage> mails = Arrays.stream(SMTP.getReceivedMessages())
                .filter(m -> subject(m).contains("agent a2 is back")).toList();
        // one message, to both addresses
        assertThat(mails).hasSize(2);
        MimeMessage mail = mails.get(0);
        assertThat(mail.getSubject()).isEqualTo("[Caravan] RESOLVED: agent a2 is back");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("caravan@test.example");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("ops@test.example", "oncall@test.example");
        assertThat(mail.getContentType()).startsWith("text/plain");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("agent a2 is back").contains("State: RESOLVED").contains("Rule: agent-dead (agent-dead)")
                .contains("About: agent a2");
    }

    @Test
    void aNoticeNamingNoSuchChannelHasAFailedDeliverySayingSoAndItsOtherChannelsStillGetIt() {
        AlertNotice notice = notice("FIRING", "quarantine holds 3 messages", "no-such-channel", "configured-hook");
        deliver(notice);

        JsonNode unknown = awaitDelivery(notice.id(), "no-such-channel", "FAILED");
        assertThat(unknown.path("lastError").asText()).isEqualTo("there is no alert channel named \"no-such-channel\""
                + " (neither in caravan.alerts.channels nor made through /api/alert-channels)");
        // not tried again: no attempt can cure it
        assertThat(unknown.path("attempts")).hasSize(1);
        awaitDelivery(notice.id(), "configured-hook", "DELIVERED");
    }

    @Test
    void aDeliveryANodeTookAndNeverFinishedIsSentOnceItsHoldRunsOut() {
        webhook("orphan-hook", "/orphan");
        AlertNotice notice = notice("FIRING", "agent a3 is overloaded", "orphan-hook");
        JdbcClient sql = cluster.controlContext(0).getBean(JdbcClient.class);
        long holdEnds = System.currentTimeMillis() + 1000;
        // as a node leaves it that died between taking the delivery and recording its attempt
        sql.sql("INSERT INTO alert_deliveries (notice_id, channel, notice, state, attempts, next_attempt_at, claimed_by,"
                        + " claimed_until, created_at) VALUES (?, 'orphan-hook', ?, 'PENDING', 0, 0, 'control-gone', ?, 0)")
                .params(notice.id(), write(notice), holdEnds).update();

        JsonNode delivery = awaitDelivery(notice.id(), "DELIVERED");
        assertThat(delivery.path("attempts")).hasSize(1);
        assertThat(receiver.requests("/orphan")).hasSize(1);
        assertThat(receiver.requests("/orphan").get(0).receivedAt()).isGreaterThanOrEqualTo(holdEnds);
    }

    @Test
    void eachDeliveryIsSentByOneNodeEvenWithBothNodesLookingForDueOnes() {
        webhook("busy-hook", "/busy");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            AlertNotice notice = notice("FIRING", "incident " + i, "busy-hook");
            ids.add(notice.id());
            // handed over on either node; the first attempt fails, so the retries are up for grabs on both
            receiver.failFirst("/busy", 1);
            deliverOn(i % 2, notice);
            awaitDelivery(notice.id(), "DELIVERED");
        }
        Map<String, Long> perDelivery = receiver.requests("/busy").stream()
                .collect(java.util.stream.Collectors.groupingBy(r -> r.header("Caravan-Delivery"),
                        java.util.stream.Collectors.counting()));
        assertThat(perDelivery).hasSize(ids.size());
        assertThat(perDelivery.values()).containsOnly(2L);
    }

    @Test
    void channelsAreCheckedFieldByFieldAndARefusalChangesNothing() {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("{\"kind\": \"webhook\", \"url\": \"https://h.example/x\", \"secret\": \"" + SECRET + "\"}", "name"),
                Map.entry("{\"name\": \"bad name!\", \"kind\": \"email\", \"to\": [\"a@b.example\"]}", "name"),
                Map.entry("{\"name\": \"x\", \"kind\": \"sms\"}", "kind"),
                Map.entry("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"ftp://h.example/x\", \"secret\": \"" + SECRET + "\"}", "url"),
                Map.entry("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"https://user:pw@h.example/x\", \"secret\": \"" + SECRET + "\"}", "url"),
                Map.entry("{\"name\": \"x\", \"kind\": \"webhook\", \"secret\": \"" + SECRET + "\"}", "url"),
                Map.entry("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"https://h.example/x\"}", "secret"),
                Map.entry("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"https://h.example/x\", \"secret\": \"short\"}", "secret"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": []}", "to"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"not an address\"]}", "to"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"ops@example.com\\r\\nBcc: x@evil.example\"]}", "to"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"Ops <ops@example.com>\"]}", "to"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": \"ops@example.com\"}", "to"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"ops@example.com\"], \"url\": \"https://h.example\"}", "url"),
                Map.entry("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"ops@example.com\"], \"colour\": \"red\"}", "colour"));
        JsonNode before = admin.get("/api/alert-channels").body();
        refused.forEach((body, field) -> {
            Api.Response response = admin.post("/api/alert-channels", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.text("message")).as(body).startsWith(field);
        });
        assertThat(admin.get("/api/alert-channels").body()).isEqualTo(before);

        assertThat(admin.post("/api/alert-channels", "{\"name\": \"dup\", \"kind\": \"email\", \"to\": [\"a@b.example\"]}")
                .status()).isEqualTo(201);
        Api.Response taken = admin.post("/api/alert-channels", "{\"name\": \"dup\", \"kind\": \"email\", \"to\": [\"c@d.example\"]}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.text("message")).isEqualTo("name: a channel named \"dup\" exists already");
        Api.Response renamed = admin.put("/api/alert-channels/dup", "{\"name\": \"other\", \"kind\": \"email\", \"to\": [\"a@b.example\"]}");
        assertThat(renamed.status()).isEqualTo(400);
        assertThat(renamed.text("message")).startsWith("name cannot be changed");
        assertThat(admin.get("/api/alert-channels/dup").body().path("to").get(0).asText()).isEqualTo("a@b.example");
        assertThat(admin.put("/api/alert-channels/nope", "{\"kind\": \"email\", \"to\": [\"a@b.example\"]}").status())
                .isEqualTo(404);
        assertThat(admin.get("/api/alerts/abc/deliveries").status()).isEqualTo(400);
    }

    @Test
    void theConfiguredChannelsAreListedAndCannotBeChangedThroughTheApi() {
        JsonNode listed = admin.get("/api/alert-channels").body().path("channels");
        JsonNode mail = find(listed, "ops-mail");
        assertThat(mail.path("definedIn").asText()).isEqualTo("configuration");
        assertThat(mail.path("to")).hasSize(2);
        assertThat(find(listed, "configured-hook").path("secretSet").asBoolean()).isTrue();

        for (Api.Response response : List.of(
                admin.put("/api/alert-channels/ops-mail", "{\"kind\": \"email\", \"to\": [\"x@y.example\"]}"),
                admin.delete("/api/alert-channels/configured-hook"),
                admin.post("/api/alert-channels", "{\"name\": \"ops-mail\", \"kind\": \"email\", \"to\": [\"x@y.example\"]}"))) {
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.text("message")).contains("caravan.alerts.channels");
        }
        assertThat(admin.get("/api/alert-channels/ops-mail").body().path("to").get(0).asText()).isEqualTo("ops@test.example");
    }

    @Test
    void aSecretIsNeverShownAndAChangeWithoutItKeepsIt() throws Exception {
        String secret = "kept-secret-" + "fedcba9876543210";
        Api.Response created = admin.post("/api/alert-channels", "{\"name\": \"secret-hook\", \"kind\": \"webhook\","
                + " \"url\": \"" + receiver.url("/old") + "\", \"secret\": \"" + secret + "\"}");
        assertThat(created.status()).isEqualTo(201);
        Api.Response changed = admin.put("/api/alert-channels/secret-hook", "{\"kind\": \"webhook\", \"url\": \""
                + receiver.url("/secret") + "\"}");
        assertThat(changed.status()).as(changed.body().toString()).isEqualTo(200);
        for (JsonNode view : List.of(created.body(), changed.body(), admin.get("/api/alert-channels/secret-hook").body(),
                admin.get("/api/alert-channels").body())) {
            assertThat(view.toString()).doesNotContain(secret).doesNotContain(SECRET).doesNotContain("\"secret\"");
        }
        assertThat(changed.body().path("secretSet").asBoolean()).isTrue();
        assertThat(changed.body().path("url").asText()).isEqualTo(receiver.url("/secret"));

        AlertNotice notice = notice("FIRING", "signed with the kept secret", "secret-hook");
        deliver(notice);
        awaitDelivery(notice.id(), "DELIVERED");
        WebhookReceiver.Request request = receiver.requests("/secret").get(0);
        assertThat(request.header("Caravan-Signature")).isEqualTo("sha256=" + WebhookReceiver.hmac(secret,
                request.header("Caravan-Timestamp") + "." + request.body()));
        // nor is it on the audit trail
        assertThat(admin.get("/api/audit?limit=500").body().toString()).doesNotContain(secret)
                .contains("create-alert-channel").contains("replace-alert-channel");
    }

    @Test
    void onlyAdminsManageChannelsAndAViewerSeesDeliveries() {
        ConsoleUsers.create(admin, "alert-viewer", "viewer");
        ConsoleUsers.create(admin, "alert-operator", "operator");
        Api viewer = admin.as(admin.post("/api/tokens", "{\"name\": \"t\", \"user\": \"alert-viewer\"}").text("token"));
        Api operator = admin.as(admin.post("/api/tokens", "{\"name\": \"t\", \"user\": \"alert-operator\"}").text("token"));
        for (Api below : List.of(viewer, operator)) {
            assertThat(below.get("/api/alert-channels").status()).isEqualTo(403);
            assertThat(below.get("/api/alert-channels/ops-mail").status()).isEqualTo(403);
            assertThat(below.post("/api/alert-channels", "{\"name\": \"mine\", \"kind\": \"email\", \"to\": [\"a@b.example\"]}")
                    .status()).isEqualTo(403);
            assertThat(below.delete("/api/alert-channels/ops-mail").status()).isEqualTo(403);
        }
        AlertNotice notice = notice("FIRING", "seen by a viewer", "configured-hook");
        deliver(notice);
        awaitDelivery(notice.id(), "DELIVERED");
        Api.Response seen = viewer.get("/api/alerts/" + notice.id() + "/deliveries");
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.body().path("deliveries").get(0).path("channel").asText()).isEqualTo("configured-hook");
        assertThat(admin.as(null).get("/api/alerts/" + notice.id() + "/deliveries").status()).isEqualTo(401);
    }

    private void webhook(String name, String path) {
        Api.Response created = admin.post("/api/alert-channels", "{\"name\": \"" + name + "\", \"kind\": \"webhook\","
                + " \"url\": \"" + receiver.url(path) + "\", \"secret\": \"" + SECRET + "\"}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("secretSet").asBoolean()).isTrue();
    }

    private AlertNotice notice(String state, String summary, String... channels) {
        Instant now = Instant.now();
        return new AlertNotice(noticeIds.incrementAndGet(), 7, "agent-dead", "agent-dead", summary.contains("a2") ? "agent a2"
                : "agent a1", state, summary, now.minusSeconds(60), state.equals("RESOLVED") ? now : null, now,
                List.of(channels));
    }

    private void deliver(AlertNotice notice) {
        deliverOn(0, notice);
    }

    /** As the alert engine does: the notice to direct:deliver-alert on the node that made it. */
    private void deliverOn(int node, AlertNotice notice) {
        ProducerTemplate producer = cluster.controlContext(node).getBean(CamelContext.class).createProducerTemplate();
        producer.sendBody("direct:deliver-alert", notice);
    }

    private JsonNode awaitDelivery(long noticeId, String state) {
        return awaitDelivery(noticeId, null, state);
    }

    /** The notice's delivery (to the channel, when given) once it is in the state. */
    private JsonNode awaitDelivery(long noticeId, String channel, String state) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (JsonNode delivery : admin.get("/api/alerts/" + noticeId + "/deliveries").body().path("deliveries")) {
                if ((channel == null || delivery.path("channel").asText().equals(channel))
                        && delivery.path("state").asText().equals(state)) {
                    found[0] = delivery;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static long gap(JsonNode attempts, int from, int to) {
        return Instant.parse(attempts.get(to).path("at").asText()).toEpochMilli()
                - Instant.parse(attempts.get(from).path("at").asText()).toEpochMilli();
    }

    private static JsonNode find(JsonNode channels, String name) {
        for (JsonNode channel : channels) {
            if (channel.path("name").asText().equals(name)) {
                return channel;
            }
        }
        throw new AssertionError("no channel " + name + " in " + channels);
    }

    private String write(AlertNotice notice) {
        return cluster.controlContext(0).getBean(routes.config.JsonCodec.class).write(notice);
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

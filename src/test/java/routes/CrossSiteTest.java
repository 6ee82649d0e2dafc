package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import routes.config.SecurityProperties;
import routes.support.Api;
import routes.support.Cluster;

/**
 * A web page the operator visits must not reach Caravan through the browser. The browser holds the console's session
 * cookie and sends it along with whatever a foreign page makes it send: form posts, text/plain fetches, image and
 * script loads (SameSite=Strict stops that in current browsers; these checks do not count on it). Each request here
 * is one such page's: the cookie, but not the CSRF token, which no foreign page can read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossSiteTest {

    private static final String EVIL = "http://evil.example";
    private static final String ALLOWED = "https://ops.example.com";

    private Path dir;
    private Cluster cluster;
    private Api api;
    private String ownOrigin;
    private String camelContext;
    private Api.Session session;

    @BeforeAll
    void startControl(@TempDir Path dir) {
        this.dir = dir;
        cluster = new Cluster(dir).control("--caravan.security.allowed-origins=" + ALLOWED);
        api = cluster.api();
        ownOrigin = "http://127.0.0.1:" + ((WebServerApplicationContext) cluster.controlContext()).getWebServer().getPort();
        camelContext = "org.apache.camel:context=control-0,type=context,name=\"control-0\"";
        session = api.login("admin", Cluster.ADMIN_PASSWORD);
    }

    @AfterAll
    void stopControl() {
        cluster.close();
    }

    @Test
    void aForeignPageCannotRunACommandThroughJolokia() {
        Path marker = dir.resolve("evil-was-here");
        Api.Response response = cookie(api.request("/actuator/jolokia").header("Origin", EVIL)
                .header("Content-Type", "text/plain").POST(body(touch(marker))));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.text("message")).contains(EVIL).contains("caravan.security.allowed-origins");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(marker).doesNotExist();

        // hawtio on the node's own page still runs it: its Jolokia client posts text/json with the page's origin
        Api.Response hawtio = cookie(api.request("/actuator/jolokia").header("Origin", ownOrigin)
                .header("Referer", ownOrigin + "/actuator/hawtio/camel/routes")
                .header("Content-Type", "text/json").POST(body(touch(marker))));
        assertThat(hawtio.status()).isEqualTo(200);
        assertThat(hawtio.body().path("status").asInt()).as(hawtio.body().toString()).isEqualTo(200);
        assertThat(marker).exists();
        assertThat(cookie(api.request("/actuator/hawtio/").header("Referer", ownOrigin + "/actuator/hawtio/").GET())
                .status()).isEqualTo(200);
    }

    @Test
    void aPageWhoseOriginIsHiddenCannotPostASimpleRequest() {
        // no Origin and no Referer (a privacy setting or an old browser): a simple POST with cached Basic
        // credentials is still refused, because a page could have sent it
        Path marker = dir.resolve("hidden-was-here");
        Api.Response response = cookie(api.request("/actuator/jolokia").header("Content-Type", "text/plain")
                .POST(body(touch(marker))));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.text("message")).contains("Content-Type: application/json");
        assertThat(marker).doesNotExist();

        // a Bearer token is no browser's to send: a script or tool that has one is served as it is
        Api.Response bearer = api.send(api.request("/actuator/jolokia").header("Content-Type", "text/plain")
                .POST(body("{\"type\": \"search\", \"mbean\": \"org.apache.camel:type=routes,*\"}")), Cluster.TOKEN);
        assertThat(bearer.status()).isEqualTo(200);
        assertThat(bearer.body().path("value").toString()).contains("submit-task");
    }

    @Test
    void jolokiaAnswersNoGetThatAnImageTagCouldSend() {
        // <img src=".../exec/..."> sends no Origin, and a no-referrer policy hides the Referer
        for (String jolokia : new String[] {"/actuator/jolokia", "/actuator/hawtio/jolokia"}) {
            Path marker = dir.resolve("image-was-here-" + jolokia.length());
            String exec = jolokia + "/exec/" + camelContext.replace("\"", "%22")
                    + "/requestStringBody(java.lang.String,java.lang.String)/"
                    + ("exec:/usr/bin/touch?args=" + marker).replace("/", "!/").replace("?", "%3F") + "/x";
            Api.Response response = cookie(api.request(exec).GET());
            assertThat(response.status()).as(jolokia).isEqualTo(403);
            assertThat(response.text("message")).contains("POST only");
            assertThat(marker).doesNotExist();
        }
        // nor a JSONP read for a <script> tag
        Api.Response jsonp = cookie(api.request("/actuator/jolokia/version?callback=steal").GET());
        assertThat(jsonp.status()).isEqualTo(403);
        assertThat(jsonp.body().toString()).doesNotContain("steal(");
    }

    @Test
    void aForeignFormCannotSubmitOrCancelTasks() {
        String queued = api.submit("{\"type\": \"nobody-takes-this\", \"command\": [\"true\"]}");
        long before = total();

        Api.Response submit = cookie(api.request("/api/tasks").header("Origin", EVIL)
                .header("Content-Type", "text/plain").POST(body("{\"command\": [\"true\"], \"x\": \"=\"}")));
        assertThat(submit.status()).isEqualTo(403);
        assertThat(submit.text("message")).contains(EVIL);

        // a form post with no Origin (an old browser) but the page as Referer
        Api.Response cancel = cookie(api.request("/api/tasks/" + queued + "/cancel").header("Referer", EVIL + "/page")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(body("")));
        assertThat(cancel.status()).isEqualTo(403);
        assertThat(cancel.text("message")).contains(EVIL);
        assertThat(cancel.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // a no-cors fetch: no body, no Content-Type, no Origin or Referer left
        Api.Response bare = cookie(api.request("/api/tasks/" + queued + "/cancel").POST(body("")));
        assertThat(bare.status()).isEqualTo(403);

        assertThat(total()).isEqualTo(before);
        assertThat(api.task(queued).path("state").asText()).isEqualTo("QUEUED");
    }

    @Test
    void anOriginOnTheAllowListIsServed() {
        Api.Response version = cookie(api.request("/actuator/jolokia").header("Origin", ALLOWED)
                .header("Content-Type", "text/json").POST(body("{\"type\": \"version\"}")));
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.body().path("status").asInt()).isEqualTo(200);
        assertThat(version.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);

        // the allowed origin serves the console, which reads the CSRF token from its cookie
        Api.Response submit = api.send(session.with(api.request("/api/tasks").header("Origin", ALLOWED)
                .header("Content-Type", "application/json"), true).POST(body("{\"type\": \"nobody-takes-this\", \"command\": [\"true\"]}")), null);
        assertThat(submit.status()).isEqualTo(201);
    }

    @Test
    void aForeignOriginIsRefusedEvenForReads() {
        Api.Response read = cookie(api.request("/api/queues").header("Origin", EVIL).GET());
        assertThat(read.status()).isEqualTo(403);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        Api.Response sandboxed = cookie(api.request("/actuator/jolokia").header("Origin", "null")
                .header("Content-Type", "text/json").POST(body("{\"type\": \"version\"}")));
        assertThat(sandboxed.status()).isEqualTo(403);
        Api.Response script = cookie(api.request("/actuator/prometheus").header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "no-cors").GET());
        assertThat(script.status()).isEqualTo(403);
    }

    @Test
    void camelroutesOffersNoWriteAction() {
        Api.Response stop = api.post("/actuator/camelroutes/dispatch-pass/stop", "");
        assertThat(stop.status()).isEqualTo(405);
        assertThat(stop.text("message")).contains("not allowed");
        Api.Response routes = api.get("/actuator/camelroutes");
        assertThat(routes.status()).isEqualTo(200);
        assertThat(routes.body().toString()).contains("dispatch-pass");
    }

    @Test
    void anAllowedOriginIsAnOriginOnly() {
        assertThat(new SecurityProperties(null, null, List.of("HTTPS://Ops.Example.com/"), null).allowedOrigins())
                .containsExactly("https://ops.example.com");
        for (String wrong : new String[] {"ops.example.com", "https://ops.example.com/hawtio", "*", "null"}) {
            assertThatThrownBy(() -> new SecurityProperties(null, null, List.of(wrong), null)).as(wrong)
                    .hasMessageContaining("caravan.security.allowed-origins").hasMessageContaining(wrong);
        }
    }

    private String touch(Path marker) {
        return """
                {"type": "exec", "mbean": "%s", "operation": "requestStringBody(java.lang.String,java.lang.String)",
                 "arguments": ["exec:/usr/bin/touch?args=%s", ""]}""".formatted(camelContext.replace("\"", "\\\""), marker);
    }

    /** With the session cookie the browser keeps, as any page can make it send. */
    private Api.Response cookie(HttpRequest.Builder request) {
        return api.send(session.with(request, false), null);
    }

    private static HttpRequest.BodyPublisher body(String text) {
        return HttpRequest.BodyPublishers.ofString(text);
    }

    private long total() {
        return api.get("/api/tasks?limit=1").body().path("total").asLong();
    }
}

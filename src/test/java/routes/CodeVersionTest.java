package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * Code versions: a task that needs one goes only to agents that hold it and runs in its directory; a registered
 * version is downloaded over HTTP, checked and installed by every agent; a bad digest installs nothing.
 */
class CodeVersionTest {

    private static final String SCRIPT = "#!/bin/sh\necho hello from 2.0\n";

    private HttpServer server;
    private byte[] archive;

    @BeforeEach
    void serveArchive() throws IOException {
        archive = tarGz("bin/hello", SCRIPT);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/shop.tar.gz", exchange -> {
            exchange.sendResponseHeaders(200, archive.length);
            exchange.getResponseBody().write(archive);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void aTaskRunsOnlyWhereItsCodeVersionIsAndRegisteredVersionsAreInstalled(@TempDir Path dir) throws Exception {
        // "holder" has shop 1.0 by hand; "other" has nothing
        Files.createDirectories(dir.resolve("holder/code/shop/1.0"));
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("holder", 2, "default", Map.of("pool", "code"), "--caravan.agent.code-sync-millis=300");
            cluster.agent("other", 2, "default", Map.of("pool", "code"), "--caravan.agent.code-sync-millis=300");
            Api api = cluster.api();
            await().atMost(Duration.ofSeconds(30)).until(() -> holders(api, "shop", "1.0").equals(List.of("holder")));

            for (int i = 0; i < 3; i++) {
                String id = api.submit(task("1.0", "echo $CARAVAN_CODE_DIR; pwd"));
                await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
                JsonNode task = api.task(id);
                assertThat(task.path("agent").asText()).isEqualTo("holder");
                String codeDir = dir.resolve("holder/code/shop/1.0").toAbsolutePath().toString();
                assertThat(task.path("stdout").asText()).isEqualTo(codeDir + "\n" + codeDir + "\n");
            }

            Api.Response registered = api.post("/api/versions", version("2.0", sha256(archive)));
            assertThat(registered.status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> holders(api, "shop", "2.0").size() == 2);
            assertThat(Files.isExecutable(dir.resolve("other/code/shop/2.0/bin/hello"))).isTrue();
            String id = api.submit(task("2.0", "./bin/hello"));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));
            assertThat(api.task(id).path("stdout").asText()).isEqualTo("hello from 2.0\n");

            // a wrong digest: no agent installs it, and a task that needs it waits
            assertThat(api.post("/api/versions", version("3.0", "0".repeat(64))).status()).isEqualTo(201);
            String waiting = api.submit(task("3.0", "true"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> api.task(waiting).path("state").asText().equals("QUEUED"));
            assertThat(holders(api, "shop", "3.0")).isEmpty();
            assertThat(Files.exists(dir.resolve("holder/code/shop/3.0"))).isFalse();
            assertThat(Files.exists(dir.resolve("other/code/shop/3.0"))).isFalse();
            api.post("/api/tasks/" + waiting + "/cancel", "");
        }
    }

    @Test
    void badRegistrationsAndCodeFieldsAreRejected(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            String sha = sha256(archive);
            for (String bad : List.of(
                    "{\"project\": \"shop\", \"version\": \"2.0\", \"url\": \"file:///etc/passwd\", \"sha256\": \"" + sha + "\"}",
                    "{\"project\": \"shop\", \"version\": \"2.0\", \"url\": \"" + url() + "\", \"sha256\": \"abc\"}",
                    "{\"project\": \"..\", \"version\": \"2.0\", \"url\": \"" + url() + "\", \"sha256\": \"" + sha + "\"}",
                    "{\"project\": \"shop\", \"version\": \"a/b\", \"url\": \"" + url() + "\", \"sha256\": \"" + sha + "\"}",
                    "{\"project\": \"shop\", \"url\": \"" + url() + "\", \"sha256\": \"" + sha + "\"}")) {
                assertThat(api.post("/api/versions", bad).status()).as(bad).isEqualTo(400);
            }
            assertThat(api.post("/api/versions", version("2.0", sha)).status()).isEqualTo(201);
            assertThat(api.post("/api/versions", version("2.0", sha)).status()).isEqualTo(409);
            assertThat(api.delete("/api/versions/shop/2.0").status()).isEqualTo(204);
            assertThat(api.delete("/api/versions/shop/2.0").status()).isEqualTo(404);
            assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"code\": {\"project\": \"shop\"}}").status())
                    .isEqualTo(400);
            assertThat(api.post("/api/tasks", "{\"command\": [\"true\"], \"code\": {\"project\": \"shop\", "
                    + "\"version\": \"..\"}}").status()).isEqualTo(400);
        }
    }

    @Test
    void aFailedInstallIsShownPerAgentAndRetriedWithBackoffUntilItSucceeds(@TempDir Path dir) throws Exception {
        List<Long> requestTimes = new CopyOnWriteArrayList<>();
        AtomicBoolean published = new AtomicBoolean();
        server.createContext("/late.tar.gz", exchange -> {
            requestTimes.add(System.currentTimeMillis());
            byte[] body = published.get() ? archive : new byte[0];
            exchange.sendResponseHeaders(published.get() ? 200 : 503, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        try (Cluster cluster = new Cluster(dir).control()) {
            cluster.agent("late", 1, "default", Map.of(), "--caravan.agent.code-sync-millis=100",
                    "--caravan.agent.heartbeat-millis=100", "--caravan.agent.install-retry-backoff=500ms",
                    "--caravan.agent.install-retry-max-backoff=2s");
            Api api = cluster.api();
            String url = url().replace("/shop.tar.gz", "/late.tar.gz");
            assertThat(api.post("/api/versions", "{\"project\": \"shop\", \"version\": \"5.0\", \"url\": \"" + url
                    + "\", \"sha256\": \"" + sha256(archive) + "\"}").status()).isEqualTo(201);

            // every failure the agent reports: the wait before its next try, by attempt
            Map<Integer, Duration> waits = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode failure = failure(api, "shop", "5.0", "late");
                if (failure.isMissingNode()) {
                    return false;
                }
                assertThat(failure.path("error").asText()).contains("HTTP 503").doesNotContain("Exception");
                waits.put(failure.path("attempts").asInt(), Duration.between(
                        Instant.parse(failure.path("failedAt").asText()),
                        Instant.parse(failure.path("nextRetryAt").asText())));
                return failure.path("attempts").asInt() >= 4;
            });
            // 500 ms, doubling, at most 2 s; attempt 1 may pass between two looks, the later ones take longer
            Map<Integer, Duration> expected = Map.of(1, Duration.ofMillis(500), 2, Duration.ofSeconds(1),
                    3, Duration.ofSeconds(2), 4, Duration.ofSeconds(2));
            assertThat(waits).containsKeys(2, 3, 4);
            waits.forEach((attempt, wait) -> assertThat(wait).as("attempt " + attempt).isEqualTo(expected.get(attempt)));
            assertThat(holders(api, "shop", "5.0")).isEmpty();
            for (int i = 1; i < 4; i++) {
                assertThat(requestTimes.get(i) - requestTimes.get(i - 1)).as("wait before try " + (i + 1))
                        .isGreaterThanOrEqualTo(expected.get(i).toMillis() - 50);
            }
            assertThat(api.agent("late").path("status").path("installFailures").get(0).path("version").asText())
                    .isEqualTo("5.0");

            published.set(true);
            await().atMost(Duration.ofSeconds(30)).until(() -> holders(api, "shop", "5.0").equals(List.of("late")));
            assertThat(failure(api, "shop", "5.0", "late").isMissingNode()).isTrue();
            assertThat(Files.isExecutable(dir.resolve("late/code/shop/5.0/bin/hello"))).isTrue();
        }
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutStoringOrShowingThem(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster(dir).control()) {
            Api api = cluster.api();
            String url = url().replace("http://", "http://deploy:s3cret@");

            Api.Response refused = api.post("/api/versions", "{\"project\": \"shop\", \"version\": \"2.0\", "
                    + "\"url\": \"" + url + "\", \"sha256\": \"" + sha256(archive) + "\"}");

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.text("message")).contains("url").contains("user name or password")
                    .doesNotContain("s3cret");
            assertThat(api.get("/api/versions").body()).isEmpty();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/shop.tar.gz";
    }

    private String version(String version, String sha256) {
        return "{\"project\": \"shop\", \"version\": \"" + version + "\", \"url\": \"" + url() + "\", \"sha256\": \""
                + sha256 + "\"}";
    }

    private static String task(String version, String shell) {
        return "{\"shell\": \"" + shell + "\", \"labels\": {\"pool\": \"code\"}, \"code\": {\"project\": \"shop\", "
                + "\"version\": \"" + version + "\"}}";
    }

    private static List<String> holders(Api api, String project, String version) {
        for (JsonNode row : api.get("/api/versions").body()) {
            if (row.path("project").asText().equals(project) && row.path("version").asText().equals(version)) {
                return StreamSupport.stream(row.path("agents").spliterator(), false).map(JsonNode::asText).toList();
            }
        }
        return List.of();
    }

    /** The failure an agent reports for a version in GET /api/versions, or a missing node when there is none. */
    private static JsonNode failure(Api api, String project, String version, String agent) {
        for (JsonNode row : api.get("/api/versions").body()) {
            if (row.path("project").asText().equals(project) && row.path("version").asText().equals(version)) {
                for (JsonNode failure : row.path("failures")) {
                    if (failure.path("agent").asText().equals(agent)) {
                        return failure;
                    }
                }
            }
        }
        return MissingNode.getInstance();
    }

    private static byte[] tarGz(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            entry.setMode(0100755);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}

package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.NodeProcess;
import routes.support.Ports;

/**
 * A task's environment (its secrets) lands in H2 and in Redis's append-only file: nothing in the data directory
 * is readable by another local user, whatever the umask Caravan was started with (here the usual 022).
 * The node is a standalone one, on its embedded stores whatever the pass: the pass on external stores skips it.
 */
@DisabledIf("routes.support.TestStores#external")
class SecretsAtRestTest {

    @Test
    void theDataDirectoryAndEverythingCaravanWritesInItAreOwnerOnly(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("node");
        // left readable by all by an earlier version
        Files.createDirectories(data.resolve("db"));
        Files.writeString(data.resolve("db/caravan.trace.db"), "old trace");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("db"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("db/caravan.trace.db"), PosixFilePermissions.fromString("rw-r--r--"));

        int port = Ports.free();
        String secret = "s3cret-" + UUID.randomUUID();
        try (NodeProcess node = NodeProcess.standalone(dir, "node", port)) {
            node.awaitReady(port, Duration.ofSeconds(180));
            Api api = new Api(port, Files.readString(data.resolve("admin-token")).trim());
            String id = api.submit("{\"command\": [\"true\"], \"env\": {\"DB_PASSWORD\": \"" + secret + "\"}}");
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("SUCCEEDED"));

            assertThat(data.resolve("redis/redis.pid")).exists();
            assertOwnerOnly(data, secret);
            node.terminate(Duration.ofSeconds(30));
            assertOwnerOnly(data, secret);
        }
    }

    private static void assertOwnerOnly(Path data, String secret) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(data)) {
            all = walk.toList();
        }
        assertThat(all.stream().map(data::relativize).map(Path::toString))
                .as("what the check covers")
                .contains("", "admin-token", "db", "db/caravan.mv.db", "db/caravan.trace.db", "redis", "routes", "code")
                .anyMatch(name -> name.startsWith("redis/appendonly"));
        assertThat(all.stream().filter(path -> holds(path, secret)))
                .as("files holding the task's secret (so the check covers what matters)").isNotEmpty();
        for (Path path : all) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
            assertThat(mode).as("mode of %s", data.relativize(path))
                    .isEqualTo(Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------");
        }
    }

    private static boolean holds(Path path, String secret) {
        try {
            return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1).contains(secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

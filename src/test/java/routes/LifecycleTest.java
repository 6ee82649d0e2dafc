package routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import routes.support.NodeProcess;
import routes.support.Ports;

/**
 * A node starts and stops the way an operator expects: quietly, and a stop ends promptly.
 * The node is a standalone one, on its embedded stores whatever the pass: the pass on external stores skips it.
 */
@DisabledIf("routes.support.TestStores#external")
@Tag("alone")
class LifecycleTest {

    /** A log line of level WARN or ERROR, as Spring Boot's console format writes it. */
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s+\\d+ --- .*");

    @Test
    void aStandaloneNodeStartsWithoutErrorsAndStopsWithinFiveSecondsOfSigtermWithoutErrors(@TempDir Path dir)
            throws InterruptedException {
        int port = Ports.free();
        try (NodeProcess node = NodeProcess.standalone(dir, "node", port)) {
            node.awaitReady(port, Duration.ofSeconds(180));
            assertThat(problems(node)).as("WARN and ERROR lines while starting").isEmpty();

            // SIGTERM to an idle node: routes stop first, then Redis and H2 under them
            node.terminate(Duration.ofSeconds(5));
            assertThat(problems(node)).as("WARN and ERROR lines while stopping").isEmpty();
        }
    }

    private static List<String> problems(NodeProcess node) {
        return node.output().stream().filter(line -> WARN_OR_ERROR.matcher(line).matches()).toList();
    }
}

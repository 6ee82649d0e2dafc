package routes.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.config.OwnerOnly;
import routes.message.CodeVersion;

/**
 * The code versions this agent holds: the directories {@code <caravan.agent.code-dir>/<project>/<version>}, put
 * there by an operator or installed from a registered archive. Names starting with "." are work in progress (an
 * unpacking, a download) and do not count.
 */
@Component
@AgentRole
public class AgentCode {

    private static final Logger log = LoggerFactory.getLogger(AgentCode.class);

    private final Path root;
    private volatile Map<String, List<String>> lastSeen = Map.of();

    public AgentCode(AgentProperties agent) throws IOException {
        this.root = agent.codeDir().toAbsolutePath();
        OwnerOnly.createDirectories(root);
    }

    public Path root() {
        return root;
    }

    public Path dir(CodeVersion version) {
        return root.resolve(version.project()).resolve(version.version());
    }

    public boolean holds(CodeVersion version) {
        return Files.isDirectory(dir(version));
    }

    /**
     * Versions by project, sorted. When the directory cannot be read, what was last seen (the heartbeat that
     * reports this must not fail, or the agent would be declared dead while its tasks run).
     */
    public Map<String, List<String>> installed() {
        try {
            Map<String, List<String>> installed = new TreeMap<>();
            for (Path project : children(root)) {
                List<String> versions = new ArrayList<>();
                children(project).forEach(version -> versions.add(version.getFileName().toString()));
                if (!versions.isEmpty()) {
                    installed.put(project.getFileName().toString(), versions);
                }
            }
            lastSeen = installed;
        } catch (UncheckedIOException e) {
            log.warn("Cannot read the code versions in {}: {}", root, e.getMessage());
        }
        return lastSeen;
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .filter(p -> CodeVersion.isName(p.getFileName().toString()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}

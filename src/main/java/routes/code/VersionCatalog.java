package routes.code;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.Conflict;
import routes.domain.NotFound;
import routes.message.CodeVersion;
import routes.message.InstallFailure;
import routes.message.RegisteredVersion;
import routes.message.UrlCredentials;
import routes.redis.AgentLoad;
import routes.redis.AgentRegistry;
import routes.redis.RedisKeys;

/**
 * The code versions registered for agents to install: kept in SQL (the record) and in a Redis hash the agents
 * read. A registered version is installed by every agent that lacks it; removing it stops new installs, and
 * agents keep what they have.
 */
@Component
@ControlRole
public class VersionCatalog {

    private final JdbcClient sql;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final AgentRegistry agents;
    private final Clock clock = Clock.systemUTC();

    public VersionCatalog(JdbcClient sql, StringRedisTemplate redis, RedisKeys keys, JsonCodec json,
                          AgentRegistry agents) {
        this.sql = sql;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.agents = agents;
    }

    /** Registers a version; a conflict when it is registered already (a version's content never changes). */
    @Transactional
    public RegisteredVersion register(RegisteredVersion version) {
        try {
            sql.sql("INSERT INTO code_versions (project, version, url, sha256, registered_at) VALUES (?, ?, ?, ?, ?)")
                    .params(version.project(), version.version(), version.url(), version.sha256(), clock.millis())
                    .update();
        } catch (DuplicateKeyException taken) {
            throw new Conflict("version " + version.code() + " is registered already; a version's archive"
                    + " does not change: register a new version");
        }
        redis.opsForHash().put(keys.codeVersions(), version.code().toString(), json.write(version));
        return version;
    }

    @Transactional
    public void remove(String project, String version) {
        if (sql.sql("DELETE FROM code_versions WHERE project = ? AND version = ?").params(project, version).update() == 0) {
            throw new NotFound("version " + project + "/" + version + " is not registered");
        }
        redis.opsForHash().delete(keys.codeVersions(), project + "/" + version);
    }

    /**
     * Every version that is registered or held by a live agent, with the agents that hold it and the live agents
     * that failed to install it: [{"project", "version", "url", "sha256", "agents": [...], "failures": [{"agent",
     * "error", "attempts", "failedAt", "nextRetryAt"}]}], by project and version.
     */
    public List<Map<String, Object>> list() {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (RegisteredVersion version : registered()) {
            // hidden for versions registered before URLs with credentials were refused
            row(rows, version.code()).putAll(Map.of("url", UrlCredentials.hide(version.url()),
                    "sha256", version.sha256()));
        }
        for (AgentLoad agent : agents.live()) {
            String id = agent.status().id();
            agent.status().code().forEach((project, versions) -> versions.forEach(version ->
                    items(row(rows, new CodeVersion(project, version)), "agents").add(id)));
            for (InstallFailure failure : agent.status().installFailures()) {
                // an agent forgets a failure once the version is removed; until its next sync it may still report it
                Map<String, Object> row = rows.get(new CodeVersion(failure.project(), failure.version()).toString());
                if (row != null) {
                    items(row, "failures").add(failureView(id, failure));
                }
            }
        }
        return new ArrayList<>(rows.values());
    }

    private static Map<String, Object> failureView(String agent, InstallFailure failure) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("agent", agent);
        view.put("error", failure.error());
        view.put("attempts", failure.attempts());
        view.put("failedAt", Instant.ofEpochMilli(failure.failedAt()).toString());
        view.put("nextRetryAt", Instant.ofEpochMilli(failure.nextRetryAt()).toString());
        return view;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> items(Map<String, Object> row, String field) {
        return (List<Object>) row.get(field);
    }

    /** Puts the catalogue back into Redis after it lost its keys; returns how many versions. */
    public int restore() {
        List<RegisteredVersion> all = registered();
        Map<String, String> hash = new LinkedHashMap<>();
        all.forEach(version -> hash.put(version.code().toString(), json.write(version)));
        if (!hash.isEmpty()) {
            redis.opsForHash().putAll(keys.codeVersions(), hash);
        }
        return all.size();
    }

    private List<RegisteredVersion> registered() {
        return sql.sql("SELECT project, version, url, sha256 FROM code_versions ORDER BY project, version")
                .query(RegisteredVersion.class).list();
    }

    private static Map<String, Object> row(Map<String, Map<String, Object>> rows, CodeVersion code) {
        return rows.computeIfAbsent(code.toString(), key -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("project", code.project());
            row.put("version", code.version());
            row.put("agents", new ArrayList<>());
            row.put("failures", new ArrayList<>());
            return row;
        });
    }
}

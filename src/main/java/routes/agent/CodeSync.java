package routes.agent;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.config.JsonCodec;
import routes.message.CodeVersion;
import routes.message.InstallFailure;
import routes.message.RegisteredVersion;
import routes.message.UrlCredentials;
import routes.redis.RedisKeys;

/**
 * Installs the registered code versions this agent lacks (seed 004's code sync): each is downloaded, checked
 * against its SHA-256 and unpacked into place atomically. A version that fails is logged with the reason and
 * tried again with backoff ({@link InstallRetries}); the next heartbeat reports what got installed and what failed.
 */
@Component
@AgentRole
public class CodeSync {

    private static final Logger log = LoggerFactory.getLogger(CodeSync.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final AgentCode code;
    private final ArtifactInstaller installer;
    private final InstallRetries retries;
    private final Duration downloadTimeout;
    private final ExecutorService installs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "caravan-code-install");
        thread.setDaemon(true);
        return thread;
    });
    private final Clock clock = Clock.systemUTC();
    private HttpClient http;

    public CodeSync(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, AgentCode code, InstallRetries retries,
                    AgentProperties agent) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.code = code;
        this.retries = retries;
        this.downloadTimeout = agent.downloadTimeout();
        this.installer = new ArtifactInstaller(code.root(), this::http, agent.maxArtifactSize().toBytes(),
                agent.maxUnpackedSize().toBytes(), agent.downloadTimeout());
        try {
            installer.removeLeftovers();
        } catch (IOException e) {
            log.warn("Could not clear what an interrupted install left in {}: {}", code.root(), e.getMessage());
        }
    }

    /** The client downloads go through, made at the first: an agent that installs nothing keeps no client thread. */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }
        return http;
    }

    /** Returns how many versions it installed. */
    public int sync() {
        int installed = 0;
        Set<String> missing = new HashSet<>();
        Map<Object, Object> registered = redis.opsForHash().entries(keys.codeVersions());
        for (Object value : registered.values()) {
            RegisteredVersion version;
            try {
                version = json.read((String) value, RegisteredVersion.class);
            } catch (RuntimeException unreadable) {
                log.warn("Skipping an unreadable code version entry in Redis: {}", UrlCredentials.hide((String) value));
                continue;
            }
            CodeVersion wanted = version.code();
            if (code.holds(wanted)) {
                continue;
            }
            missing.add(wanted.toString());
            if (!retries.due(version, clock.millis())) {
                continue;
            }
            // a version registered before URLs with credentials were refused may still carry them
            String problem = UrlCredentials.hide(install(version));
            if (problem == null) {
                retries.succeeded(version);
                installed++;
            } else {
                InstallFailure failure = retries.failed(version, problem, clock.millis());
                log.warn("Could not install code version {} from {} (failure {} in a row): {}. Trying again at {}",
                        wanted, UrlCredentials.hide(version.url()), failure.attempts(), problem,
                        Instant.ofEpochMilli(failure.nextRetryAt()));
            }
        }
        retries.keepOnly(missing);
        return installed;
    }

    /**
     * Installs one version within the download timeout (a server that stalls mid-body would otherwise hold the
     * sync forever); returns why it failed, or null.
     */
    private String install(RegisteredVersion version) {
        URI url;
        try {
            url = new URI(version.url());
        } catch (URISyntaxException e) {
            return "url " + version.url() + " is not a valid URL: " + e.getReason();
        }
        Future<Path> install = installs.submit(() -> installer.install(version.project(), version.version(), url,
                version.sha256()));
        try {
            install.get(downloadTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            install.cancel(true);
            return "not done within caravan.agent.download-timeout (" + downloadTimeout + ")";
        } catch (ExecutionException e) {
            return ArtifactInstaller.problem(e.getCause());
        } catch (InterruptedException e) {
            install.cancel(true);
            Thread.currentThread().interrupt();
            return "the agent is stopping";
        }
    }

    @PreDestroy
    public void stop() {
        installs.shutdownNow();
    }
}

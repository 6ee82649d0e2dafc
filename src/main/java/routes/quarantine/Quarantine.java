package routes.quarantine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.connection.StringRedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import routes.config.JsonCodec;
import routes.config.QuarantineProperties;
import routes.domain.NotFound;
import routes.redis.AgentRegistry;
import routes.redis.RedisKeys;

/**
 * Where loops put the messages they cannot process, so that one bad message never stalls a loop. A loop that
 * fails on a message asks {@link #failed}: while the message has tries left it goes back to its source (behind
 * the others) and is tried again; then it is set aside here, with its error, for operators to see, drop or
 * replay (/api/quarantine). A store that is down is no fault of the message and is not counted
 * ({@link #isStoreDown}): the loop waits and tries the whole batch again.
 */
@Component
public class Quarantine {

    /** What the loop does with the message now. */
    public enum Verdict { RETRY, QUARANTINED }

    /** How long a message's failure count is kept: a message that fails once and then succeeds is forgotten. */
    private static final Duration COUNT_KEPT = Duration.ofDays(1);
    private static final int MAX_TEXT = 64 * 1024;
    private static final int MAX_ERROR = 1000;
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final QuarantineProperties properties;
    private final LoopErrorLog errors;
    private final AgentRegistry agents;
    private final Clock clock = Clock.systemUTC();

    public Quarantine(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, QuarantineProperties properties,
                      LoopErrorLog errors, AgentRegistry agents) {
        this.agents = agents;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.properties = properties;
        this.errors = errors;
    }

    /** True when the failure is the store's (unreachable, timed out, a deadlock), not the message's. */
    public static boolean isStoreDown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A message {@code loop} could not process: counts the failure, logs it (rate-limited) and says whether to try
     * it again or that it is now quarantined (and must leave its source).
     */
    public Verdict failed(Loop loop, String message, Throwable failure) {
        String id = id(loop, message);
        String counter = loop.kind() == Loop.Replay.AGENT_INBOX ? keys.agentPoisonAttempts(loop.where(), id)
                : keys.poisonAttempts(id);
        Long attempts = redis.opsForValue().increment(counter);
        redis.expire(counter, COUNT_KEPT);
        int tries = attempts == null ? properties.maxAttempts() : attempts.intValue();
        String error = truncate(LoopErrorLog.describe(failure), MAX_ERROR);
        if (tries < properties.maxAttempts()) {
            errors.error(loop.name(), failure, "could not process a message (try " + tries + " of "
                    + properties.maxAttempts() + ", it is tried again after the others): " + error);
            return Verdict.RETRY;
        }
        put(hash(loop), new QuarantinedMessage(id, loop.name(), truncate(message, MAX_TEXT), error, tries,
                clock.instant(), loop.where(), loop.replayTo(), loop.kind()));
        redis.delete(counter);
        return Verdict.QUARANTINED;
    }

    /** A message that can never be processed (it cannot even be read): quarantined at once. */
    public void unreadable(Loop loop, String message, Throwable failure) {
        put(hash(loop), new QuarantinedMessage(id(loop, message), loop.name(), truncate(message, MAX_TEXT),
                truncate(LoopErrorLog.describe(failure), MAX_ERROR), 1, clock.instant(), loop.where(), loop.replayTo(),
                loop.kind()));
    }

    /** Where a loop's messages are set aside: an agent's in its own hash (its Redis user can write no other). */
    private String hash(Loop loop) {
        return loop.kind() == Loop.Replay.AGENT_INBOX ? keys.agentQuarantine(loop.where()) : keys.quarantine();
    }

    private void put(String hash, QuarantinedMessage entry) {
        Long held = redis.opsForHash().size(hash);
        if (held != null && held >= properties.maxEntries()) {
            errors.quarantined(entry.loop(), "the quarantine is full (" + properties.maxEntries()
                    + " messages): dropped a message it could not process (" + entry.error() + "): " + entry.message());
            return;
        }
        redis.opsForHash().put(hash, entry.id(), json.write(entry));
        errors.quarantined(entry.loop(), "quarantined message " + entry.id() + " after " + entry.attempts()
                + (entry.attempts() == 1 ? " try" : " tries") + " (" + entry.error() + "); see GET /api/quarantine");
    }

    /** How many messages are quarantined, control's and every agent's, counted in one round trip. */
    public long size() {
        List<String> hashes = new ArrayList<>(List.of(keys.quarantine()));
        agents.ids().forEach(agent -> hashes.add(keys.agentQuarantine(agent)));
        List<Object> sizes = redis.executePipelined((RedisCallback<Object>) c -> {
            hashes.forEach(((StringRedisConnection) c)::hLen);
            return null;
        });
        return sizes.stream().mapToLong(n -> n == null ? 0 : (Long) n).sum();
    }

    /**
     * Every quarantined message, newest first: control's, and each agent's (id {@code <agent>.<id>}). What an agent
     * wrote is trusted for nothing but its text: where it was set aside and where a replay goes are that agent's
     * own, from the hash it sits in.
     */
    public List<QuarantinedMessage> list() {
        List<QuarantinedMessage> all = new ArrayList<>();
        redis.<String, String>opsForHash().values(keys.quarantine())
                .forEach(text -> all.add(json.read(text, QuarantinedMessage.class)));
        for (String agent : agents.ids()) {
            redis.<String, String>opsForHash().entries(keys.agentQuarantine(agent)).forEach((id, text) -> {
                QuarantinedMessage held = agentEntry(agent, id, text);
                if (held != null) {
                    all.add(held);
                }
            });
        }
        all.sort(Comparator.comparing(QuarantinedMessage::at, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(QuarantinedMessage::id));
        return all;
    }

    /** Removes a quarantined message for good. */
    public void drop(String id) {
        Held held = find(id);
        redis.opsForHash().delete(held.hash(), held.field());
    }

    /** Gives a quarantined message back to its loop (after the cause was fixed) and returns it. */
    public QuarantinedMessage replay(String id) {
        Held held = find(id);
        QuarantinedMessage entry = held.entry();
        switch (entry.replay()) {
            case LIST, AGENT_INBOX -> redis.opsForList().rightPush(entry.replayTo(), entry.message());
            case DUE_SET -> redis.opsForZSet().add(entry.replayTo(), entry.message(), clock.millis());
        }
        redis.opsForHash().delete(held.hash(), held.field());
        return entry;
    }

    /** A quarantined message, the hash and field that hold it. */
    private record Held(String hash, String field, QuarantinedMessage entry) {
    }

    private Held find(String id) {
        int dot = id.lastIndexOf('.');
        String agent = dot > 0 ? id.substring(0, dot) : null;
        String field = dot > 0 ? id.substring(dot + 1) : id;
        if (agent != null && !AGENT_ID.matcher(agent).matches()) {
            throw notFound(id);
        }
        String hash = agent == null ? keys.quarantine() : keys.agentQuarantine(agent);
        String text = redis.<String, String>opsForHash().get(hash, field);
        QuarantinedMessage entry = text == null ? null
                : agent == null ? json.read(text, QuarantinedMessage.class) : agentEntry(agent, field, text);
        if (entry == null) {
            throw notFound(id);
        }
        return new Held(hash, field, entry);
    }

    /**
     * An entry of an agent's own quarantine as control shows and replays it: the text and error as the agent wrote
     * them, where and whereto from the hash's agent; null when it cannot be read.
     */
    private QuarantinedMessage agentEntry(String agent, String field, String text) {
        QuarantinedMessage written;
        try {
            written = json.read(text, QuarantinedMessage.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
        if (written == null || written.message() == null) {
            return null;
        }
        return new QuarantinedMessage(agent + "." + field, "agent-inbox", written.message(), written.error(),
                written.attempts(), written.at(), agent, keys.inbox(agent), Loop.Replay.AGENT_INBOX);
    }

    private static NotFound notFound(String id) {
        return new NotFound("no quarantined message with id " + id);
    }

    /** The same message of the same loop always has the same id: quarantining it twice keeps one entry. */
    private static String id(Loop loop, String message) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(loop.name().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return HexFormat.of().formatHex(sha.digest(message.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "...";
    }
}

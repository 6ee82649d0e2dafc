package routes.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The live output of running tasks in Redis: agents append what their commands write while someone watches; the API
 * marks a task watched and reads what is new. Each stream keeps only its last bytes (the cap the agent gives), with
 * the offset of the first one kept, so a reader that fell behind knows it missed some.
 */
@Component
public class LiveOutput {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;

    public LiveOutput(StringRedisTemplate redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Appends to both streams of a task's live output, each trimmed to its last ARGV[6] bytes (never starting inside a
     * UTF-8 character). KEYS[1] output hash; ARGV[1] stdout chunk, ARGV[2] its offset in the stream, ARGV[3] stderr
     * chunk, ARGV[4] its offset, ARGV[5] "1" for the first push of an attempt (what an earlier attempt left is
     * dropped), ARGV[6] cap in bytes, ARGV[7] expiry in seconds, ARGV[8] attempt. A chunk that does not follow what is
     * kept (bytes were dropped while nobody watched) replaces it. Returns 1.
     */
    private static final RedisScript<Long> APPEND = RedisScript.of("""
            if ARGV[5] == '1' then
              redis.call('DEL', KEYS[1])
              redis.call('HSET', KEYS[1], 'attempt', ARGV[8])
            end
            local cap = tonumber(ARGV[6])
            for i, stream in ipairs({'stdout', 'stderr'}) do
              local chunk = ARGV[2 * i - 1]
              local offset = tonumber(ARGV[2 * i])
              if #chunk > 0 then
                local text = redis.call('HGET', KEYS[1], stream) or ''
                local from = tonumber(redis.call('HGET', KEYS[1], stream .. 'From') or offset)
                if from + #text == offset then
                  text = text .. chunk
                else
                  text = chunk
                  from = offset
                end
                if #text > cap then
                  local cut = #text - cap
                  while cut < #text and string.byte(text, cut + 1) >= 128 and string.byte(text, cut + 1) < 192 do
                    cut = cut + 1
                  end
                  text = string.sub(text, cut + 1)
                  from = from + cut
                end
                redis.call('HSET', KEYS[1], stream, text, stream .. 'From', from)
              end
            end
            redis.call('EXPIRE', KEYS[1], ARGV[7])
            return 1
            """, Long.class);

    /** What an agent pushes at once: a chunk of each stream (either may be empty) with its offset. */
    public record Chunk(int attempt, boolean first, String stdout, long stdoutFrom, String stderr, long stderrFrom) {
    }

    public void append(String taskId, Chunk chunk, long capBytes, Duration expiry) {
        redis.execute(APPEND, List.of(keys.output(taskId)), chunk.stdout(), Long.toString(chunk.stdoutFrom()),
                chunk.stderr(), Long.toString(chunk.stderrFrom()), chunk.first() ? "1" : "0", Long.toString(capBytes),
                Long.toString(Math.max(1, expiry.toSeconds())), Integer.toString(chunk.attempt()));
    }

    /** Whether someone reads the task's output now. */
    public boolean watched(String taskId) {
        return Boolean.TRUE.equals(redis.hasKey(keys.outputWatched(taskId)));
    }

    /** Marks the task's output read by someone, for {@code ttl}: its agent pushes what the command writes. */
    public void watch(String taskId, Duration ttl) {
        redis.opsForValue().set(keys.outputWatched(taskId), "1", ttl);
    }

    /** The kept end of each stream, with its offset; null when the agent has pushed nothing (yet). */
    public Window read(String taskId) {
        Map<Object, Object> hash = redis.opsForHash().entries(keys.output(taskId));
        if (hash.isEmpty()) {
            return null;
        }
        return new Window(Integer.parseInt((String) hash.getOrDefault("attempt", "0")),
                (String) hash.getOrDefault("stdout", ""), Long.parseLong((String) hash.getOrDefault("stdoutFrom", "0")),
                (String) hash.getOrDefault("stderr", ""), Long.parseLong((String) hash.getOrDefault("stderrFrom", "0")));
    }

    /** The kept end of each stream of an attempt, and the offset (bytes of UTF-8) of its first byte. */
    public record Window(int attempt, String stdout, long stdoutFrom, String stderr, long stderrFrom) {
    }

    public void delete(String taskId) {
        redis.delete(keys.output(taskId));
    }
}

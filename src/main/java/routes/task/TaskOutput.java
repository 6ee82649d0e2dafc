package routes.task;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.redis.LiveOutput;

/**
 * A task's output read in pieces (GET /api/tasks/{id}/output): live while its attempt runs (what its agent pushed to
 * Redis, the last bytes of each stream), the recorded output once it has ended. Offsets count bytes of the UTF-8
 * text served; a reader passes back the {@code *Next} values it got. Each read while the task runs marks it watched
 * for {@value #WATCH_SECONDS} s, which is what makes its agent push.
 */
@Component
@ControlRole
public class TaskOutput {

    static final int WATCH_SECONDS = 15;

    private final TaskQueries queries;
    private final OutputStore outputs;
    private final LiveOutput live;

    public TaskOutput(TaskQueries queries, OutputStore outputs, LiveOutput live) {
        this.queries = queries;
        this.outputs = outputs;
        this.live = live;
    }

    public OutputPiece read(String id, long stdoutFrom, long stderrFrom) {
        TaskView task = queries.find(id).orElseThrow(() -> TaskQueries.notFound(id));
        boolean running = task.state().equals("RUNNING") || task.state().equals("DISPATCHED");
        if (!running) {
            RecordedOutput recorded = outputs.of(id, task.attempt());
            Slice out = slice(recorded.stdout(), 0, stdoutFrom);
            Slice err = slice(recorded.stderr(), 0, stderrFrom);
            return new OutputPiece(out.text(), err.text(), out.next(), err.next(), false,
                    recorded.stdoutTruncated() || recorded.stderrTruncated());
        }
        live.watch(id, Duration.ofSeconds(WATCH_SECONDS));
        LiveOutput.Window window = live.read(id);
        if (window == null || window.attempt() != task.attempt()) {
            return new OutputPiece("", "", stdoutFrom, stderrFrom, true, false);
        }
        Slice out = slice(window.stdout(), window.stdoutFrom(), stdoutFrom);
        Slice err = slice(window.stderr(), window.stderrFrom(), stderrFrom);
        return new OutputPiece(out.text(), err.text(), out.next(), err.next(), true, out.missed() || err.missed());
    }

    private record Slice(String text, long next, boolean missed) {
    }

    /**
     * The part of {@code text} (whose first byte is at offset {@code start}) from offset {@code from}: all of it when
     * {@code from} is before it (some was missed), nothing new when {@code from} is at or past its end.
     */
    private static Slice slice(String text, long start, long from) {
        byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        long end = start + bytes.length;
        if (from >= end) {
            return new Slice("", end, false);
        }
        boolean missed = from < start;
        int at = (int) (Math.max(from, start) - start);
        while (at < bytes.length && (bytes[at] & 0xC0) == 0x80) {
            at++;
        }
        return new Slice(new String(bytes, at, bytes.length - at, StandardCharsets.UTF_8), end, missed);
    }
}

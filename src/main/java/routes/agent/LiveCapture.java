package routes.agent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a running command wrote and has not been pushed yet, per stream, bounded: past the cap the oldest bytes are
 * dropped (the offset moves on, so a reader sees the gap). Written by the output pumps, drained by
 * {@link OutputStreamer}; a command that prints nothing costs an empty object and nothing else.
 */
public final class LiveCapture {

    final String taskId;
    final int attempt;
    private final Stream stdout;
    private final Stream stderr;
    volatile boolean pushed;
    volatile boolean closed;
    volatile long watchCheckedAt;
    volatile boolean watched;

    LiveCapture(String taskId, int attempt, int cap) {
        this.taskId = taskId;
        this.attempt = attempt;
        this.stdout = new Stream(cap);
        this.stderr = new Stream(cap);
    }

    public void stdout(byte[] bytes, int length) {
        stdout.write(bytes, length);
    }

    public void stderr(byte[] bytes, int length) {
        stderr.write(bytes, length);
    }

    boolean hasPending() {
        return stdout.size() > 0 || stderr.size() > 0;
    }

    Stream stdoutStream() {
        return stdout;
    }

    Stream stderrStream() {
        return stderr;
    }

    /** One stream's pending bytes and the offset (in bytes as pushed) of the first of them. */
    static final class Stream {
        private final int cap;
        private byte[] pending = new byte[0];
        private int size;
        private long offset;

        Stream(int cap) {
            this.cap = cap;
        }

        synchronized int size() {
            return size;
        }

        synchronized void write(byte[] bytes, int length) {
            if (size + length > pending.length) {
                pending = Arrays.copyOf(pending, Math.min(Math.max(2 * pending.length, size + length), cap + length));
            }
            System.arraycopy(bytes, 0, pending, size, length);
            size += length;
            if (size > cap) {
                int cut = size - cap;
                // never keep half a UTF-8 character at the front
                while (cut < size && (pending[cut] & 0xC0) == 0x80) {
                    cut++;
                }
                System.arraycopy(pending, cut, pending, 0, size - cut);
                size -= cut;
                offset += cut;
            }
        }

        /**
         * The pending text up to its last whole UTF-8 character, and its offset; what remains waits for the rest of
         * its character. The offset moves on by the text's length as UTF-8, which is what the reader counts.
         */
        synchronized Taken take() {
            int end = size;
            int back = 0;
            // an incomplete character at the end: leave it for the next push
            while (back < Math.min(3, end) && (pending[end - 1 - back] & 0xC0) == 0x80) {
                back++;
            }
            if (back < end) {
                int lead = pending[end - 1 - back] & 0xFF;
                int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
                if (length > back + 1) {
                    end = end - 1 - back;
                }
            }
            String text = new String(pending, 0, end, StandardCharsets.UTF_8);
            long from = offset;
            System.arraycopy(pending, end, pending, 0, size - end);
            size -= end;
            offset += text.getBytes(StandardCharsets.UTF_8).length;
            return new Taken(text, from);
        }
    }

    record Taken(String text, long from) {
    }
}

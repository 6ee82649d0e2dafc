package routes.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The first {@code cap} bytes of a stream, and whether more came (counted and dropped, never buffered). */
public record CapturedOutput(String text, boolean truncated) {

    public static final CapturedOutput NONE = new CapturedOutput("", false);

    public static CapturedOutput read(InputStream in, int cap) throws IOException {
        return read(in, cap, (bytes, length) -> { });
    }

    /** Where each chunk read goes as well, as it is read (the live output of a running task). */
    public interface Tee {
        void write(byte[] bytes, int length);
    }

    /** The first {@code cap} bytes, while every chunk read also goes to {@code tee} as it comes. */
    public static CapturedOutput read(InputStream in, int cap, Tee tee) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(cap, 8192));
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            int room = (int) Math.max(0, Math.min(n, cap - total));
            kept.write(buffer, 0, room);
            total += n;
            tee.write(buffer, n);
        }
        return new CapturedOutput(kept.toString(StandardCharsets.UTF_8), total > cap);
    }
}

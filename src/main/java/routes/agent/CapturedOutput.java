package routes.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The first {@code cap} bytes of a stream, and whether more came (counted and dropped, never buffered). */
public record CapturedOutput(String text, boolean truncated) {

    public static final CapturedOutput NONE = new CapturedOutput("", false);

    public static CapturedOutput read(InputStream in, int cap) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(cap, 8192));
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            int room = (int) Math.max(0, Math.min(n, cap - total));
            kept.write(buffer, 0, room);
            total += n;
        }
        return new CapturedOutput(kept.toString(StandardCharsets.UTF_8), total > cap);
    }
}

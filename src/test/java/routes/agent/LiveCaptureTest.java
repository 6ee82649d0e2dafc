package routes.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A running command's unpushed output: bounded, and never split inside a UTF-8 character. */
class LiveCaptureTest {

    @Test
    void aCharacterSplitAcrossChunksWaitsForItsLastByte() {
        LiveCapture capture = new LiveCapture("t", 1, 1024);
        byte[] euro = "a€".getBytes(StandardCharsets.UTF_8);
        capture.stdout(euro, 2);
        LiveCapture.Taken first = capture.stdoutStream().take();
        assertThat(first.text()).isEqualTo("a");
        assertThat(first.from()).isZero();

        byte[] rest = {euro[2], euro[3], 'b'};
        capture.stdout(rest, 3);
        LiveCapture.Taken second = capture.stdoutStream().take();
        assertThat(second.text()).isEqualTo("€b");
        assertThat(second.from()).isEqualTo(1);
        assertThat(capture.hasPending()).isFalse();
    }

    @Test
    void pastTheCapTheOldestBytesGoAndTheOffsetCountsThem() {
        LiveCapture capture = new LiveCapture("t", 1, 4);
        byte[] text = "0123456789".getBytes(StandardCharsets.UTF_8);
        capture.stderr(text, text.length);
        LiveCapture.Taken taken = capture.stderrStream().take();
        assertThat(taken.text()).isEqualTo("6789");
        assertThat(taken.from()).isEqualTo(6);

        capture.stderr("ab".getBytes(StandardCharsets.UTF_8), 2);
        assertThat(capture.stderrStream().take().from()).isEqualTo(10);
    }

    @Test
    void theCapNeverKeepsHalfACharacterAtTheFront() {
        LiveCapture capture = new LiveCapture("t", 1, 4);
        byte[] text = "€€".getBytes(StandardCharsets.UTF_8);
        capture.stdout(text, text.length);
        LiveCapture.Taken taken = capture.stdoutStream().take();
        assertThat(taken.text()).isEqualTo("€");
        assertThat(taken.from()).isEqualTo(3);
    }
}

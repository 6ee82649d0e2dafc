package routes.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** What a log line is about stays with the work it is about: nothing of one task shows on the next work. */
class LogContextTest {

    @AfterEach
    void clean() {
        MDC.clear();
    }

    @Test
    void aTasksContextSetsAllItKnowsAndRemovesWhatItDoesNot() {
        MDC.put(LogContext.JOB, "earlier-job");
        try (LogContext about = LogContext.task("t1", 2, "worker")) {
            assertThat(MDC.get(LogContext.TASK)).isEqualTo("t1");
            assertThat(MDC.get(LogContext.ATTEMPT)).isEqualTo("2");
            assertThat(MDC.get(LogContext.AGENT)).isEqualTo("worker");
            assertThat(MDC.get(LogContext.JOB)).isNull();
        }
    }

    @Test
    void closingPutsBackWhatWasThereSoNothingLeaksToTheNextWorkOnTheThread() {
        try (LogContext fire = LogContext.job("nightly")) {
            try (LogContext task = LogContext.task("t1", 1, "worker")) {
                assertThat(MDC.get(LogContext.TASK)).isEqualTo("t1");
            }
            assertThat(MDC.get(LogContext.JOB)).isEqualTo("nightly");
            assertThat(MDC.get(LogContext.TASK)).isNull();
        }
        for (String key : new String[] {LogContext.TASK, LogContext.ATTEMPT, LogContext.AGENT, LogContext.JOB}) {
            assertThat(MDC.get(key)).as(key).isNull();
        }
    }
}

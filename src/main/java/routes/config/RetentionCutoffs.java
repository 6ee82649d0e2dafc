package routes.config;

import java.time.Clock;
import org.springframework.stereotype.Component;

/** The times (epoch ms) before which history is past its retention (caravan.retention.*, retention.yaml). */
@Component
@ControlRole
public class RetentionCutoffs {

    private final RetentionProperties retention;
    private final Clock clock = Clock.systemUTC();

    public RetentionCutoffs(RetentionProperties retention) {
        this.retention = retention;
    }

    /** Tasks that ended before this are past caravan.retention.tasks. */
    public long tasks() {
        return clock.millis() - retention.tasks().toMillis();
    }

    /**
     * Now: a job's runs past its count (keepRuns, caravan.retention.runs-per-job) go if they ended before this, so a
     * run retried and ended again after its batch was read stays.
     */
    public long runs() {
        return clock.millis();
    }

    /** Fires scheduled before this are past caravan.retention.fires. */
    public long fires() {
        return clock.millis() - retention.fires().toMillis();
    }

    /** Audit entries written before this are past caravan.retention.audit. */
    public long audit() {
        return clock.millis() - retention.audit().toMillis();
    }

    /** Alert incidents resolved, and alert deliveries ended, before this are past caravan.retention.alerts. */
    public long alerts() {
        return clock.millis() - retention.alerts().toMillis();
    }
}

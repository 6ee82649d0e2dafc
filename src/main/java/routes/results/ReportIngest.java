package routes.results;

import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.quarantine.Loop;
import routes.quarantine.MessageIsolation;
import routes.quarantine.MessageIsolation.Isolated;
import routes.redis.RedisKeys;
import routes.task.Recorded;
import routes.task.ReportRecorder;

/**
 * Stores a batch of reports in one transaction, so that one bad report never holds up the others: see
 * {@link MessageIsolation}. A report that cannot be stored goes to the end of the results list, then to the quarantine.
 */
@Component
@ControlRole
public class ReportIngest {

    private static final Recorded NOTHING = new Recorded(List.of(), List.of());

    private final ReportRecorder recorder;
    private final MessageIsolation isolation;
    private final Loop loop;

    public ReportIngest(ReportRecorder recorder, MessageIsolation isolation, RedisKeys keys, ControlProperties control) {
        this.recorder = recorder;
        this.isolation = isolation;
        this.loop = loop(keys, control);
    }

    /** The results loop, as the quarantine names it; a replayed report goes back to the results list. */
    static Loop loop(RedisKeys keys, ControlProperties control) {
        return new Loop("results", control.nodeId(), keys.results(), Loop.Replay.LIST);
    }

    /**
     * Stores the reports (unreadable ones, null, are passed over: they are quarantined already); throws only when a
     * store is down (then the whole batch is taken again later).
     */
    public Isolated<ReceivedReport, Recorded> store(List<ReceivedReport> reports) {
        return isolation.process(loop, reports, ReceivedReport::raw, batch -> recorder.recordAll(batch.stream()
                .map(ReceivedReport::report).filter(Objects::nonNull).toList()), NOTHING, ReportIngest::merge);
    }

    private static Recorded merge(Recorded a, Recorded b) {
        return new Recorded(MessageIsolation.concat(a.ended(), b.ended()), MessageIsolation.concat(a.retries(), b.retries()));
    }
}

package routes.job;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.job.FireTaker.Taken;
import routes.message.PlannedFire;
import routes.quarantine.Loop;
import routes.quarantine.MessageIsolation;
import routes.quarantine.MessageIsolation.Isolated;
import routes.quarantine.Quarantine;
import routes.redis.RedisKeys;

/**
 * Takes the fires that fell due off the time wheel into the record, so that one bad fire never holds up the
 * others: see {@link MessageIsolation}. A fire that cannot be stored goes back on the wheel, then to the quarantine; an
 * entry that is not a fire at all goes to the quarantine at once.
 */
@Component
@ControlRole
public class DueFires {

    private final FireTaker taker;
    private final MessageIsolation isolation;
    private final Quarantine quarantine;
    private final Loop loop;

    public DueFires(FireTaker taker, MessageIsolation isolation, Quarantine quarantine, RedisKeys keys,
                    ControlProperties control) {
        this.taker = taker;
        this.isolation = isolation;
        this.quarantine = quarantine;
        this.loop = new Loop("time-wheel", control.nodeId(), keys.wheel(), Loop.Replay.DUE_SET);
    }

    /** Stores each due fire's outcome and its task; throws only when a store is down. */
    public Isolated<PlannedFire, Taken> take(List<String> members) {
        List<PlannedFire> due = new ArrayList<>(members.size());
        for (String member : members) {
            try {
                due.add(PlannedFire.parse(member));
            } catch (RuntimeException unreadable) {
                quarantine.unreadable(loop, member,
                        new IllegalArgumentException("not a fire \"jobId@epochMillis\": " + member));
            }
        }
        return isolation.process(loop, due, PlannedFire::member, taker::take, Taken.NONE, Taken::merge);
    }
}

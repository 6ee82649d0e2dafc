package routes.job;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.time.ExecutionTime;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/** The fires of a cron expression read in a time zone (cron-utils computes them, DST included). */
final class CronFireTimes implements FireTimes {

    private final ExecutionTime times;
    private final ZoneId zone;
    private final String description;

    CronFireTimes(Cron cron, ZoneId zone) {
        this.times = ExecutionTime.forCron(cron);
        this.zone = zone;
        this.description = CronDescriptor.instance(Locale.ENGLISH).describe(cron) + " (" + zone.getId() + ")";
    }

    @Override
    public Instant after(Instant time) {
        return times.nextExecution(time.atZone(zone)).map(ZonedDateTime::toInstant).orElse(null);
    }

    @Override
    public Instant atOrBefore(Instant time) {
        // cron-utils answers "strictly before"; a fire exactly at (or within the same second as) time is found
        // by stepping forward from that answer
        Instant last = times.lastExecution(time.atZone(zone)).map(ZonedDateTime::toInstant).orElse(null);
        Instant candidate = last == null ? after(time.minusSeconds(1)) : after(last);
        if (candidate != null && !candidate.isAfter(time)) {
            return candidate;
        }
        return last;
    }

    @Override
    public String description() {
        return description;
    }
}

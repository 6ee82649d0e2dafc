package routes.job;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.model.time.generator.FieldValueGenerator;
import com.cronutils.model.time.generator.FieldValueGeneratorFactory;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The fires of a cron expression read in a time zone. The cron matches local date-times; this class turns them
 * into instants with the zone's rules:
 * <ul>
 * <li>a local time that does not exist (the gap of a spring-forward change) does not fire;</li>
 * <li>a local time that happens twice (the overlap of a fall-back change) fires at its first occurrence only,
 * unless the hour field matches every hour: such a schedule (hourly or finer) fires at every instant whose
 * local time matches, so it keeps its real period through the repeated hour.</li>
 * </ul>
 * cron-utils is only asked about local date-times (read in UTC, which has no changes): its own DST handling
 * answers a repeated time at the first, the second or both occurrences depending on the expression.
 * {@link #after} and {@link #atOrBefore} walk the same fires, one in each direction, a stretch of constant
 * offset at a time.
 */
final class CronFireTimes implements FireTimes {

    private final ExecutionTime local;
    private final ZoneRules rules;
    private final boolean everyHour;
    private final String description;

    CronFireTimes(Cron cron, ZoneId zone) {
        this.local = ExecutionTime.forCron(cron);
        this.rules = zone.getRules();
        FieldValueGenerator hours = FieldValueGeneratorFactory.forCronField(cron.retrieve(CronFieldName.HOUR));
        this.everyHour = IntStream.rangeClosed(0, 23).allMatch(hours::isMatch);
        this.description = CronDescriptor.instance(Locale.ENGLISH).describe(cron) + " (" + zone.getId() + ")";
    }

    @Override
    public Instant after(Instant time) {
        Instant from = time;
        boolean inclusive = false;
        while (true) {
            ZoneOffset offset = rules.getOffset(from);
            LocalDateTime start = LocalDateTime.ofInstant(from, offset);
            ZoneOffsetTransition overlap = rules.getTransition(start);
            if (!everyHour && overlap != null && overlap.isOverlap() && offset.equals(overlap.getOffsetAfter())) {
                // the second pass of a repeated hour: its local times fired in the first pass
                start = overlap.getDateTimeBefore();
                inclusive = true;
            }
            LocalDateTime match = inclusive ? localAtOrAfter(start) : localAfter(start);
            if (match == null) {
                return null;
            }
            Instant fire = match.toInstant(offset);
            ZoneOffsetTransition change = rules.nextTransition(from);
            if (change == null || fire.isBefore(change.getInstant())) {
                return fire;
            }
            // past this stretch's offset: go on from the change, in the next offset
            from = change.getInstant();
            inclusive = true;
        }
    }

    @Override
    public Instant atOrBefore(Instant time) {
        Instant until = time;
        while (true) {
            ZoneOffset offset = rules.getOffset(until);
            LocalDateTime match = localAtOrBefore(LocalDateTime.ofInstant(until, offset));
            if (match == null) {
                return null;
            }
            // the change that began this stretch (at or before until); locals before it belong to earlier stretches
            ZoneOffsetTransition change = rules.previousTransition(until.plusNanos(1));
            if (change == null) {
                return match.toInstant(offset);
            }
            if (!match.isBefore(change.getDateTimeAfter())) {
                boolean repeat = !everyHour && change.isOverlap() && match.isBefore(change.getDateTimeBefore());
                if (!repeat) {
                    return match.toInstant(offset);
                }
            }
            until = change.getInstant().minusNanos(1);
        }
    }

    @Override
    public String description() {
        return description;
    }

    /** The first local date-time the cron matches strictly after {@code time}. */
    private LocalDateTime localAfter(LocalDateTime time) {
        return local.nextExecution(time.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime).orElse(null);
    }

    /** The first match at or after {@code time}, a whole second (a change or the end of an overlap). */
    private LocalDateTime localAtOrAfter(LocalDateTime time) {
        return localAfter(time.minusSeconds(1));
    }

    /** The last match at or before {@code time}; cron-utils answers "strictly before", matches are whole seconds. */
    private LocalDateTime localAtOrBefore(LocalDateTime time) {
        LocalDateTime nextSecond = time.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return local.lastExecution(nextSecond.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime).orElse(null);
    }
}

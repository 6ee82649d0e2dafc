package routes.job;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Turns a job's schedule into its fire times. Two cron dialects, told apart by the number of fields:
 * <ul>
 * <li>5 fields: classic crontab (minute granularity; day of week 0-7, Sunday 0 or 7);</li>
 * <li>6 or 7 fields: Quartz style with seconds first and an optional year (day of week 1-7, Sunday 1; L, W, #).</li>
 * </ul>
 * In both, a restricted day of month and a restricted day of week combine with OR, as in standard cron. In the
 * Quartz dialect "?" is read as "*": Quartz requires one of the two day fields to be "?", standard cron does
 * not, and either way the unrestricted field then plays no part.
 */
@Component
@ControlRole
public class Schedules {

    /** Quartz's fields and specials, without its "one day field must be ?" rule and without "?" itself. */
    private static final CronDefinition WITH_SECONDS = CronDefinitionBuilder.defineCron()
            .withSeconds().withValidRange(0, 59).and()
            .withMinutes().withValidRange(0, 59).and()
            .withHours().withValidRange(0, 23).and()
            .withDayOfMonth().withValidRange(1, 31).supportsL().supportsW().supportsLW().and()
            .withMonth().withValidRange(1, 12).and()
            .withDayOfWeek().withValidRange(1, 7).withMondayDoWValue(2).supportsHash().supportsL().and()
            .withYear().withValidRange(1970, 2099).withStrictRange().optional().and()
            .instance();
    private static final CronParser SECONDS_PARSER = new CronParser(WITH_SECONDS);
    private static final CronParser CRONTAB_PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Pattern QUESTION_MARK = Pattern.compile("(^|\\s)\\?(?=\\s|$)");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** Parsed schedules are cached; the bound keeps 100,000 distinct ones from all staying in memory. */
    private static final int CACHE_LIMIT = 10_000;
    private final Map<JobSchedule, FireTimes> cache = new ConcurrentHashMap<>();

    /** The fire times of a schedule; IllegalArgumentException, with cron-utils' reason, for an invalid cron. */
    public FireTimes fireTimes(JobSchedule schedule) {
        FireTimes times = cache.get(schedule);
        if (times == null) {
            times = compile(schedule);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(schedule, times);
        }
        return times;
    }

    /** A schedule in words, its time zone and its next {@code count} fires from now, in that zone. */
    public FirePreview preview(JobSchedule schedule, int count) {
        return preview(schedule, Instant.now(), count);
    }

    /** A schedule in words, its time zone and its next {@code count} fires after {@code from}, in that zone. */
    public FirePreview preview(JobSchedule schedule, Instant from, int count) {
        FireTimes times = fireTimes(schedule);
        ZoneId zone = zone(schedule);
        List<String> next = new ArrayList<>(count);
        for (Instant fire = times.after(from); fire != null && next.size() < count; fire = times.after(fire)) {
            next.add(fire.atZone(zone).toOffsetDateTime().toString());
        }
        return new FirePreview(times.description(), schedule.timeZone(), next);
    }

    public ZoneId zone(JobSchedule schedule) {
        return ZoneId.of(schedule.timeZone());
    }

    private FireTimes compile(JobSchedule schedule) {
        if (schedule.at() != null) {
            return new OneOff(Instant.parse(schedule.at()));
        }
        if (schedule.every() != null) {
            return new FixedRate(Instant.parse(schedule.start()), Duration.parse(schedule.every()));
        }
        return new CronFireTimes(parse(schedule.cron()), zone(schedule));
    }

    private static Cron parse(String expression) {
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : SPACES.split(trimmed).length;
        Cron cron = switch (fields) {
            case 5 -> CRONTAB_PARSER.parse(trimmed);
            case 6, 7 -> SECONDS_PARSER.parse(QUESTION_MARK.matcher(trimmed).replaceAll("$1*"));
            default -> throw new IllegalArgumentException("it has " + fields + " fields; give 5 (minute hour"
                    + " day-of-month month day-of-week) or 6-7 (second minute hour day-of-month month day-of-week"
                    + " [year])");
        };
        return cron.validate();
    }
}

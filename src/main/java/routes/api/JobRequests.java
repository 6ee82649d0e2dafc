package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.RetentionProperties;
import routes.job.JobSchedule;
import routes.job.JobSpec;
import routes.job.Misfire;
import routes.job.Overlap;
import routes.job.Schedules;

/**
 * Validates job definitions at the edge. Every rejection names the field and what to fix; nothing invalid is
 * stored.
 */
@Component
@ControlRole
public class JobRequests {

    private static final Set<String> FIELDS = Set.of("name", "schedule", "task", "overlap", "maxRunning", "misfire",
            "paused", "keepRuns", "onSuccess", "onFailure");
    private static final Set<String> SCHEDULE_FIELDS = Set.of("cron", "timeZone", "at", "every", "start");
    private static final Set<String> PREVIEW_FIELDS = Set.of("schedule", "count");
    private static final int PREVIEW_COUNT = 10;
    private static final int MAX_RUNNING_LIMIT = 10_000;
    private static final int MOST_CHAINED = 20;
    private static final Duration SHORTEST_PERIOD = Duration.ofSeconds(1);
    private static final Duration LONGEST_PERIOD = Duration.ofDays(366);

    private final RequestJson json;
    private final TaskRequests tasks;
    private final Schedules schedules;
    private final Clock clock = Clock.systemUTC();

    public JobRequests(RequestJson json, TaskRequests tasks, Schedules schedules) {
        this.json = json;
        this.tasks = tasks;
        this.schedules = schedules;
    }

    public JobSpec parse(String body) {
        JsonNode node = json.object(body, " describing one job");
        RequestJson.onlyFields(node, "", "job", FIELDS);
        String name = RequestJson.text(node, "", "name", null);
        if (name == null) {
            throw ApiException.badRequest("name is required, such as \"nightly-backup\"");
        }
        RequestJson.requireMatch("name", name, TaskRequests.NAME);
        JobSchedule schedule = schedule(node.get("schedule"));
        return new JobSpec(name, schedule, tasks.template(node.get("task"), "task."),
                choice(node, "overlap", Overlap.class, Overlap.ALLOW), maxRunning(node.get("maxRunning")),
                choice(node, "misfire", Misfire.class, Misfire.FIRE_ONCE), paused(node.get("paused")),
                keepRuns(node.get("keepRuns")), chained(node.get("onSuccess"), "onSuccess"),
                chained(node.get("onFailure"), "onFailure"));
    }

    /** Job names a run starts ({@code onSuccess}, {@code onFailure}): an array of names, each once; empty when absent. */
    private static List<String> chained(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MOST_CHAINED) {
            throw ApiException.badRequest(field + " must be an array of at most " + MOST_CHAINED
                    + " job names, such as [\"publish-report\"], got " + value);
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode name : value) {
            if (!name.isTextual()) {
                throw ApiException.badRequest(field + " must hold job names (text), got " + name);
            }
            RequestJson.requireMatch(field, name.asText(), TaskRequests.NAME);
            if (!names.add(name.asText())) {
                throw ApiException.badRequest(field + " names job \"" + name.asText() + "\" twice");
            }
        }
        return List.copyOf(names);
    }

    /** What a schedule preview asks for: the schedule as in a job, and how many fires to show. */
    public record PreviewRequest(JobSchedule schedule, int count) {
    }

    /**
     * {"schedule": {...as in a job...}, "count": 10}: the schedule validated as a job's is (400 with the cron
     * parser's reason for a bad one), and a count from 1 to {@code max} (10 when not given).
     */
    public PreviewRequest preview(String body, int max) {
        JsonNode node = json.object(body, ": {\"schedule\": {\"cron\": \"0 9 * * 1-5\","
                + " \"timeZone\": \"Europe/Berlin\"}, \"count\": 10}");
        RequestJson.onlyFields(node, "", "preview", PREVIEW_FIELDS);
        JsonNode count = node.get("count");
        int wanted = PREVIEW_COUNT;
        if (count != null && !count.isNull()) {
            if (!count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 1 || count.asInt() > max) {
                throw ApiException.badRequest("count must be a whole number from 1 to " + max + ", got " + count);
            }
            wanted = count.asInt();
        }
        return new PreviewRequest(schedule(node.get("schedule")), Math.min(wanted, max));
    }

    /** How many next fire times a request asks for ({@code ?count=}, 5 if not given), from 1 to {@code max}. */
    public int nextCount(String count, int max) {
        int wanted = Paging.whole("count", count, 5);
        if (wanted < 1 || wanted > max) {
            throw ApiException.badRequest("count must be from 1 to " + max);
        }
        return wanted;
    }

    private JobSchedule schedule(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("schedule is required: an object with one of cron (\"*/5 * * * * ?\" or"
                    + " \"0 9 * * 1-5\"), at (\"2030-01-01T09:00:00Z\") or every (\"30s\")");
        }
        RequestJson.onlyFields(node, "schedule.", "schedule", SCHEDULE_FIELDS);
        String cron = RequestJson.text(node, "schedule.", "cron", null);
        String at = RequestJson.text(node, "schedule.", "at", null);
        String every = RequestJson.text(node, "schedule.", "every", null);
        long given = Arrays.asList(cron, at, every).stream().filter(v -> v != null).count();
        if (given != 1) {
            throw ApiException.badRequest("schedule needs exactly one of cron, at and every; got " + given);
        }
        String zoneName = RequestJson.text(node, "schedule.", "timeZone", "UTC");
        ZoneId zone = zone(zoneName);
        String start = RequestJson.text(node, "schedule.", "start", null);
        if (start != null && every == null) {
            throw ApiException.badRequest("schedule.start belongs to an every schedule only");
        }
        Instant now = clock.instant();
        JobSchedule schedule;
        if (cron != null) {
            schedule = new JobSchedule(cron.trim(), zoneName, null, null, null);
        } else if (at != null) {
            Instant when = RequestTimes.instant("schedule.at", at, zone, now);
            if (!when.isAfter(now)) {
                throw ApiException.badRequest("schedule.at " + at + " is in the past; give a future time");
            }
            schedule = new JobSchedule(null, zoneName, when.toString(), null, null);
        } else {
            Duration period = RequestTimes.duration(node, "schedule.", "every", null, SHORTEST_PERIOD, LONGEST_PERIOD);
            Instant first = start == null ? now.truncatedTo(ChronoUnit.MILLIS)
                    : RequestTimes.instant("schedule.start", start, zone, now);
            schedule = new JobSchedule(null, zoneName, null, period.toString(), first.toString());
        }
        try {
            schedules.fireTimes(schedule);
        } catch (IllegalArgumentException invalid) {
            throw ApiException.badRequest("schedule.cron \"" + cron + "\" is invalid: " + invalid.getMessage());
        }
        return schedule;
    }

    private static ZoneId zone(String name) {
        if (!ZoneId.getAvailableZoneIds().contains(name)) {
            throw ApiException.badRequest("schedule.timeZone \"" + name
                    + "\" is not an IANA time zone name such as \"UTC\" or \"Europe/Berlin\"");
        }
        return ZoneId.of(name);
    }

    private static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type, E absent) {
        String value = RequestJson.text(node, "", field, null);
        if (value == null) {
            return absent;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw ApiException.badRequest(field + " must be one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase()).toList() + ", got \"" + value + "\"");
    }

    private static Integer maxRunning(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > MAX_RUNNING_LIMIT) {
            throw ApiException.badRequest("maxRunning must be a whole number from 1 to " + MAX_RUNNING_LIMIT
                    + " (leave it out for no limit), got " + value);
        }
        return value.asInt();
    }

    private static Integer keepRuns(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        int most = RetentionProperties.MOST_RUNS_KEPT;
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0 || value.asInt() > most) {
            throw ApiException.badRequest("keepRuns must be a whole number from 0 (keep every run until it is "
                    + "caravan.retention.tasks old) to " + most + " (leave it out for caravan.retention.runs-per-job), got "
                    + value);
        }
        return value.asInt();
    }

    private static Boolean paused(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest("paused must be true or false, got " + value);
        }
        return value.asBoolean();
    }
}

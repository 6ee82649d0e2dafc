package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.convert.DurationStyle;

/**
 * Durations and times a request carries, each read with an upper bound: what is stored can always be added to
 * a clock reading and turned into milliseconds without overflowing. Out of range is a 400 that names the field
 * and the limit.
 */
public final class RequestTimes {

    /** The latest time a request may name: far enough for any schedule, far from where arithmetic overflows. */
    private static final Duration FURTHEST_AHEAD = Duration.ofDays(100 * 366);

    private RequestTimes() {
    }

    /** A duration field ("500ms", "2s", "1m", "PT1H"), from {@code least} to {@code most}; {@code absent} when not given. */
    public static Duration duration(JsonNode node, String at, String field, Duration absent, Duration least, Duration most) {
        String text = RequestJson.text(node, at, field, null);
        if (text == null) {
            return absent;
        }
        String rule = at + field + " must be a duration from " + words(least) + " to " + words(most)
                + ", such as \"500ms\", \"2s\", \"1m\" or \"PT1H30M\", got \"" + text + "\"";
        Duration value;
        try {
            value = DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw ApiException.badRequest(rule);
        }
        if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
            throw ApiException.badRequest(rule);
        }
        return value;
    }

    /**
     * An ISO-8601 time with an offset ("2030-01-01T09:00:00Z"), or without one, read in {@code zone}; between the
     * epoch and {@link #FURTHEST_AHEAD} from {@code now}.
     */
    public static Instant instant(String field, String text, ZoneId zone, Instant now) {
        Instant value;
        try {
            value = parse(text, zone);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + " must be an ISO-8601 time such as \"2030-01-01T09:00:00Z\""
                    + " (without an offset it is read in timeZone), got \"" + text + "\"");
        } catch (DateTimeException | ArithmeticException outOfRange) {
            value = null;
        }
        Instant latest = now.plus(FURTHEST_AHEAD).truncatedTo(ChronoUnit.DAYS);
        if (value == null || value.isBefore(Instant.EPOCH) || value.isAfter(latest)) {
            throw ApiException.badRequest(field + " must lie between " + Instant.EPOCH + " and " + latest
                    + " (100 years from now), got \"" + text + "\"");
        }
        return value;
    }

    private static Instant parse(String text, ZoneId zone) {
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException withoutOffset) {
            return LocalDateTime.parse(text).atZone(zone).toInstant().truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /** "1 ms", "7 days": a limit in the words a person reads. */
    static String words(Duration limit) {
        if (limit.toMillis() < 1000) {
            return limit.toMillis() + "ms";
        }
        if (limit.toSeconds() % 86400 == 0) {
            return limit.toDays() + "d";
        }
        if (limit.toSeconds() % 3600 == 0) {
            return limit.toHours() + "h";
        }
        if (limit.toSeconds() % 60 == 0) {
            return limit.toMinutes() + "m";
        }
        return limit.toSeconds() + "s";
    }
}

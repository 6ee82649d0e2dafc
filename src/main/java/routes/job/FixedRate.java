package routes.job;

import java.time.Duration;
import java.time.Instant;

/** Fires at {@code start}, {@code start + every}, {@code start + 2 every}, and so on. */
record FixedRate(Instant start, Duration every) implements FireTimes {

    @Override
    public Instant after(Instant time) {
        if (time.isBefore(start)) {
            return start;
        }
        long periods = Duration.between(start, time).toMillis() / every.toMillis() + 1;
        return start.plusMillis(periods * every.toMillis());
    }

    @Override
    public Instant atOrBefore(Instant time) {
        if (time.isBefore(start)) {
            return null;
        }
        long periods = Duration.between(start, time).toMillis() / every.toMillis();
        return start.plusMillis(periods * every.toMillis());
    }

    @Override
    public String description() {
        return "every " + words(every) + ", from " + start;
    }

    private static String words(Duration period) {
        StringBuilder text = new StringBuilder();
        append(text, period.toDaysPart(), "day");
        append(text, period.toHoursPart(), "hour");
        append(text, period.toMinutesPart(), "minute");
        append(text, period.toSecondsPart(), "second");
        append(text, period.toMillisPart(), "millisecond");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) {
            text.append(text.isEmpty() ? "" : " ").append(amount).append(' ').append(unit).append(amount == 1 ? "" : "s");
        }
    }
}

package routes.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fire times of both cron dialects, time zones across DST changes, one-off and fixed-rate schedules. */
class SchedulesTest {

    private final Schedules schedules = new Schedules();

    private List<String> fires(String cron, String zone, String from, int count) {
        FireTimes times = schedules.fireTimes(new JobSchedule(cron, zone, null, null, null));
        List<String> fires = new ArrayList<>();
        for (Instant t = times.after(Instant.parse(from)); t != null && fires.size() < count; t = times.after(t)) {
            fires.add(t.toString());
        }
        return fires;
    }

    @Test
    void secondsDialectFiresEveryFiveSeconds() {
        assertThat(fires("*/5 * * * * ?", "UTC", "2026-01-01T00:00:03Z", 3))
                .containsExactly("2026-01-01T00:00:05Z", "2026-01-01T00:00:10Z", "2026-01-01T00:00:15Z");
    }

    @Test
    void crontabDialectHasMinuteGranularityAndWeekdays() {
        // 2026-01-02 is a Friday: the next weekday 09:00 after it is Monday the 5th
        assertThat(fires("0 9 * * 1-5", "UTC", "2026-01-02T09:00:00Z", 2))
                .containsExactly("2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z");
    }

    @Test
    void dayOfMonthAndDayOfWeekCombineWithOrInBothDialects() {
        // the 1st and 15th, and every Monday: Thu 1st, Mon 5th, Mon 12th, Thu 15th, Mon 19th
        List<String> expected = List.of("2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z",
                "2026-01-15T00:00:00Z", "2026-01-19T00:00:00Z");
        assertThat(fires("0 0 1,15 * 1", "UTC", "2025-12-31T12:00:00Z", 5)).isEqualTo(expected);
        assertThat(fires("0 0 0 1,15 * MON", "UTC", "2025-12-31T12:00:00Z", 5)).isEqualTo(expected);
    }

    @Test
    void quartzQuestionMarkLeavesTheOtherDayFieldInCharge() {
        assertThat(fires("0 0 9 ? * MON-FRI", "UTC", "2026-01-02T09:00:00Z", 1)).containsExactly("2026-01-05T09:00:00Z");
        assertThat(fires("0 0 0 L * ?", "UTC", "2026-01-01T00:00:00Z", 2))
                .containsExactly("2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z");
    }

    @Test
    void localTimeIsKeptAcrossDstChanges() {
        // New York: 09:00 local is 14:00Z in winter, 13:00Z in summer (clocks change 2026-03-08 and 2026-11-01)
        assertThat(fires("0 9 * * *", "America/New_York", "2026-03-06T15:00:00Z", 3))
                .containsExactly("2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z");
        assertThat(fires("0 0 9 * * ?", "America/New_York", "2026-10-30T14:00:00Z", 3))
                .containsExactly("2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z");
    }

    @Test
    void aDailyJobInTheRepeatedHourFiresOnceAndOneInTheSkippedHourDoesNotFire() {
        // Berlin, 2026-10-25: 02:30 happens twice (+02:00, then +01:00); the job runs at the first one only
        assertThat(fires("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2))
                .containsExactly("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
        // Berlin, 2026-03-29: 02:30 does not exist; as in Quartz, that day has no fire
        assertThat(fires("0 30 2 * * ?", "Europe/Berlin", "2026-03-28T12:00:00Z", 2))
                .containsExactly("2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z");
    }

    @Test
    void aSubHourlyJobKeepsItsRealPeriodThroughTheRepeatedHour() {
        assertThat(fires("0 0 * * * ?", "Europe/Berlin", "2026-10-24T23:30:00Z", 4)).containsExactly(
                "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z");
    }

    @Test
    void atOrBeforeFindsAFireExactlyAtTheGivenTime() {
        FireTimes times = schedules.fireTimes(new JobSchedule("*/5 * * * * ?", "UTC", null, null, null));
        assertThat(times.atOrBefore(Instant.parse("2026-01-01T00:00:10Z"))).isEqualTo("2026-01-01T00:00:10Z");
        assertThat(times.atOrBefore(Instant.parse("2026-01-01T00:00:09.999Z"))).isEqualTo("2026-01-01T00:00:05Z");
        assertThat(times.atOrBefore(Instant.parse("2026-01-01T00:00:10.500Z"))).isEqualTo("2026-01-01T00:00:10Z");
    }

    @Test
    void oneOffFiresOnce() {
        FireTimes times = schedules.fireTimes(new JobSchedule(null, "UTC", "2030-01-01T09:00:00Z", null, null));
        assertThat(times.after(Instant.parse("2029-12-31T00:00:00Z"))).isEqualTo("2030-01-01T09:00:00Z");
        assertThat(times.after(Instant.parse("2030-01-01T09:00:00Z"))).isNull();
        assertThat(times.atOrBefore(Instant.parse("2030-01-01T09:00:00Z"))).isEqualTo("2030-01-01T09:00:00Z");
    }

    @Test
    void fixedRateCountsFromItsStart() {
        FireTimes times = schedules.fireTimes(new JobSchedule(null, "UTC", null, "PT30S", "2026-01-01T00:00:10Z"));
        assertThat(times.after(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo("2026-01-01T00:00:10Z");
        assertThat(times.after(Instant.parse("2026-01-01T00:00:10Z"))).isEqualTo("2026-01-01T00:00:40Z");
        assertThat(times.atOrBefore(Instant.parse("2026-01-01T00:01:39Z"))).isEqualTo("2026-01-01T00:01:10Z");
        assertThat(times.description()).isEqualTo("every 30 seconds, from 2026-01-01T00:00:10Z");
    }

    @Test
    void describesCronInWords() {
        assertThat(schedules.fireTimes(new JobSchedule("*/5 * * * * ?", "UTC", null, null, null)).description())
                .isEqualTo("every 5 seconds (UTC)");
        assertThat(schedules.fireTimes(new JobSchedule("0 9 * * 1-5", "Europe/Berlin", null, null, null)).description())
                .isEqualTo("at 09:00 every day between Monday and Friday (Europe/Berlin)");
    }

    @Test
    void refusesInvalidCronWithTheReason() {
        assertThatThrownBy(() -> schedules.fireTimes(new JobSchedule("61 * * * * ?", "UTC", null, null, null)))
                .hasMessageContaining("Value 61 not in range [0, 59]");
        assertThatThrownBy(() -> schedules.fireTimes(new JobSchedule("* * *", "UTC", null, null, null)))
                .hasMessageContaining("it has 3 fields");
    }
}

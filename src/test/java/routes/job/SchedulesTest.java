package routes.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /** The fires after {@code from} and before {@code to}. */
    private List<Instant> firesBetween(String cron, String zone, String from, String to) {
        FireTimes times = schedules.fireTimes(new JobSchedule(cron, zone, null, null, null));
        Instant end = Instant.parse(to);
        List<Instant> fires = new ArrayList<>();
        for (Instant t = times.after(Instant.parse(from)); t != null && t.isBefore(end); t = times.after(t)) {
            fires.add(t);
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

    /*
     * The changes below, in 2027: Berlin falls back on 31 October (02:00-03:00 happens at +02:00, then at +01:00)
     * and springs forward on 28 March (02:00-03:00 does not exist); New York falls back on 7 November (01:00-02:00
     * at -04:00, then at -05:00) and springs forward on 14 March (02:00-03:00 does not exist).
     */

    static Stream<Arguments> dailyTimesInARepeatedHour() {
        return Stream.of(
                // the 02:30 of 31 October is 00:30Z at +02:00 (and would be 01:30Z again at +01:00)
                Arguments.of("0 30 2 29-31 10 ? 2027", "Europe/Berlin", "2027-10-28T00:00:00Z", "2027-11-02T00:00:00Z",
                        List.of("2027-10-29T00:30:00Z", "2027-10-30T00:30:00Z", "2027-10-31T00:30:00Z")),
                Arguments.of("30 2 * * 0", "Europe/Berlin", "2027-10-30T12:00:00Z", "2027-11-08T00:00:00Z",
                        List.of("2027-10-31T00:30:00Z", "2027-11-07T01:30:00Z")),
                // the 01:30 of 7 November is 05:30Z at -04:00 (and would be 06:30Z again at -05:00)
                Arguments.of("0 30 1 ? * SUN", "America/New_York", "2027-11-06T00:00:00Z", "2027-11-15T00:00:00Z",
                        List.of("2027-11-07T05:30:00Z", "2027-11-14T06:30:00Z")),
                Arguments.of("30 1 * * 0", "America/New_York", "2027-11-06T12:00:00Z", "2027-11-15T00:00:00Z",
                        List.of("2027-11-07T05:30:00Z", "2027-11-14T06:30:00Z")));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("dailyTimesInARepeatedHour")
    void aLocalTimeThatHappensTwiceFiresOnceAtItsFirstOccurrence(String cron, String zone, String from, String to,
                                                                 List<String> expected) {
        assertThat(firesBetween(cron, zone, from, to)).map(Instant::toString).isEqualTo(expected);
    }

    @Test
    void fromInsideTheRepeatedHourTheNextFireIsTheNextDays() {
        // 02:45+02:00 (after the first 02:30) and 02:10+01:00 (in the second pass, before its 02:30)
        FireTimes berlin = schedules.fireTimes(new JobSchedule("0 30 2 * * ?", "Europe/Berlin", null, null, null));
        assertThat(berlin.after(Instant.parse("2027-10-31T00:45:00Z"))).isEqualTo("2027-11-01T01:30:00Z");
        assertThat(berlin.after(Instant.parse("2027-10-31T01:10:00Z"))).isEqualTo("2027-11-01T01:30:00Z");
        FireTimes newYork = schedules.fireTimes(new JobSchedule("30 1 * * *", "America/New_York", null, null, null));
        assertThat(newYork.after(Instant.parse("2027-11-07T06:10:00Z"))).isEqualTo("2027-11-08T06:30:00Z");
    }

    static Stream<Arguments> hourlyAndFinerOnChangeDays() {
        return Stream.of(
                // fall-back days have 25 hours, every one fires
                Arguments.of("0 0 * * * ?", "Europe/Berlin", "2027-10-30T22:00:00Z", "2027-10-31T23:00:00Z", 25, 60),
                Arguments.of("0 */30 * * * ?", "Europe/Berlin", "2027-10-30T22:00:00Z", "2027-10-31T23:00:00Z", 50, 30),
                Arguments.of("30 * * * *", "America/New_York", "2027-11-07T04:00:00Z", "2027-11-08T05:00:00Z", 25, 60),
                Arguments.of("0 30 * * * ?", "America/New_York", "2027-11-07T04:00:00Z", "2027-11-08T05:00:00Z", 25, 60),
                // an hour field written out in full is every hour too
                Arguments.of("0 0 0-23 * * ?", "Europe/Berlin", "2027-10-30T22:00:00Z", "2027-10-31T23:00:00Z", 25, 60),
                Arguments.of("0 */1 * * *", "America/New_York", "2027-11-07T04:00:00Z", "2027-11-08T05:00:00Z", 25, 60),
                // spring-forward days have 23
                Arguments.of("30 * * * *", "Europe/Berlin", "2027-03-27T23:00:00Z", "2027-03-28T22:00:00Z", 23, 60),
                Arguments.of("0 0 * * * ?", "America/New_York", "2027-03-14T05:00:00Z", "2027-03-15T04:00:00Z", 23, 60));
    }

    @ParameterizedTest(name = "{0} in {1} from {2}")
    @MethodSource("hourlyAndFinerOnChangeDays")
    void anHourlyOrFinerScheduleKeepsItsRealPeriodThroughAChange(String cron, String zone, String dayStart,
                                                                 String dayEnd, int count, int minutes) {
        List<Instant> fires = firesBetween(cron, zone, Instant.parse(dayStart).minusSeconds(1).toString(), dayEnd);
        assertThat(fires).hasSize(count);
        for (int i = 1; i < fires.size(); i++) {
            assertThat(Duration.between(fires.get(i - 1), fires.get(i))).isEqualTo(Duration.ofMinutes(minutes));
        }
    }

    @Test
    void aLocalTimeThatDoesNotExistDoesNotFireThatDay() {
        assertThat(firesBetween("0 30 2 * * ?", "Europe/Berlin", "2027-03-27T12:00:00Z", "2027-03-29T12:00:00Z"))
                .map(Instant::toString).containsExactly("2027-03-29T00:30:00Z");
        assertThat(firesBetween("30 2 * * *", "America/New_York", "2027-03-13T12:00:00Z", "2027-03-15T12:00:00Z"))
                .map(Instant::toString).containsExactly("2027-03-15T06:30:00Z");
    }

    static Stream<Arguments> schedulesAcrossChanges() {
        return Stream.of(
                Arguments.of("0 30 2 * * ?", "Europe/Berlin"), Arguments.of("30 2 * * *", "Europe/Berlin"),
                Arguments.of("0 0 * * * ?", "Europe/Berlin"), Arguments.of("0 15,45 1-2 * * ?", "Europe/Berlin"),
                Arguments.of("0 30 1 * * ?", "America/New_York"), Arguments.of("30 1-2 * * *", "America/New_York"),
                Arguments.of("*/20 * * * *", "America/New_York"), Arguments.of("0 0 */2 * * ?", "America/New_York"));
    }

    /** The planner's catch-up after a misfire asks atOrBefore; it must land on the fires after() walks. */
    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("schedulesAcrossChanges")
    void atOrBeforeWalksTheSameFiresAsAfterAcrossChanges(String cron, String zone) {
        FireTimes times = schedules.fireTimes(new JobSchedule(cron, zone, null, null, null));
        // New York's spring-forward, Berlin's, and both fall-backs
        for (String[] days : new String[][] {{"2027-03-13T00:00:00Z", "2027-03-16T00:00:00Z"},
                {"2027-03-27T00:00:00Z", "2027-03-30T00:00:00Z"}, {"2027-10-30T00:00:00Z", "2027-11-09T00:00:00Z"}}) {
            List<Instant> fires = firesBetween(cron, zone, days[0], days[1]);
            assertThat(times.atOrBefore(fires.get(0).minusMillis(1))).isBefore(fires.get(0));
            for (int i = 0; i + 1 < fires.size(); i++) {
                Instant fire = fires.get(i);
                Instant next = fires.get(i + 1);
                assertThat(times.atOrBefore(fire)).isEqualTo(fire);
                assertThat(times.atOrBefore(fire.plusMillis(Duration.between(fire, next).toMillis() / 2))).isEqualTo(fire);
                assertThat(times.atOrBefore(next.minusMillis(1))).isEqualTo(fire);
            }
        }
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

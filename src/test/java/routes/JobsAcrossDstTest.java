package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import routes.support.Api;
import routes.support.Cluster;

/**
 * The next fall-back nights of Berlin (east of UTC) and New York (west), through a control node: the jobs API's
 * next times and the fires the planner stores agree, and a repeated local time fires once. The nights are the
 * next ones from today, so the control node plans far enough ahead to reach them.
 */
class JobsAcrossDstTest {

    private static final String TASK = "\"task\": {\"type\": \"nobody\", \"command\": [\"true\"]}";

    /** A zone's next fall-back night after tomorrow; its first repeated hour's half past is the time under test. */
    private record FallBack(ZoneId zone, ZoneOffsetTransition change) {

        static FallBack next(String zone) {
            ZoneOffsetTransition change = ZoneId.of(zone).getRules().nextTransition(Instant.now().plus(Duration.ofDays(1)));
            while (!change.isOverlap()) {
                change = ZoneId.of(zone).getRules().nextTransition(change.getInstant());
            }
            return new FallBack(ZoneId.of(zone), change);
        }

        LocalDateTime repeatedTime() {
            return change.getDateTimeAfter().plusMinutes(30);
        }

        Instant firstOccurrence() {
            return repeatedTime().toInstant(change.getOffsetBefore());
        }

        String firstOccurrenceText() {
            return firstOccurrence().atZone(zone).toOffsetDateTime().toString();
        }

        Instant dayStart() {
            return day().atStartOfDay(zone).toInstant();
        }

        Instant dayEnd() {
            return day().plusDays(1).atStartOfDay(zone).toInstant();
        }

        private LocalDate day() {
            return change.getDateTimeAfter().toLocalDate();
        }
    }

    @Test
    void aRepeatedLocalTimeIsPlannedOnceAndAnHourlyJobEveryRealHour(@TempDir Path dir) {
        FallBack berlin = FallBack.next("Europe/Berlin");
        FallBack newYork = FallBack.next("America/New_York");
        Instant later = berlin.dayEnd().isAfter(newYork.dayEnd()) ? berlin.dayEnd() : newYork.dayEnd();
        // the planner takes a job once its next fire is less than half its window ahead
        long planAheadDays = 2 * Duration.between(Instant.now(), later).toDays() + 4;
        try (Cluster cluster = new Cluster(dir).control("--caravan.jobs.plan-every-millis=200",
                "--caravan.jobs.plan-ahead=" + planAheadDays + "d")) {
            Api api = cluster.api();
            LocalDateTime b = berlin.repeatedTime();
            LocalDateTime n = newYork.repeatedTime();
            String berlinDaily = createJob(api, "berlin-daily", berlin,
                    "0 30 " + b.getHour() + " " + b.getDayOfMonth() + " " + b.getMonthValue() + " ? " + b.getYear());
            String newYorkDaily = createJob(api, "new-york-daily", newYork,
                    "30 " + n.getHour() + " " + n.getDayOfMonth() + " " + n.getMonthValue() + " *");
            String berlinHourly = createJob(api, "berlin-hourly", berlin,
                    "0 0 * " + b.getDayOfMonth() + " " + b.getMonthValue() + " ? " + b.getYear());

            assertThat(next(api, berlinDaily, 3)).containsExactly(berlin.firstOccurrenceText());
            assertThat(next(api, newYorkDaily, 1)).containsExactly(newYork.firstOccurrenceText());

            JdbcClient sql = cluster.controlContext().getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> !planned(sql, berlinDaily, berlin).isEmpty()
                    && !planned(sql, newYorkDaily, newYork).isEmpty() && !planned(sql, berlinHourly, berlin).isEmpty());
            assertThat(planned(sql, berlinDaily, berlin)).containsExactly(berlin.firstOccurrence());
            assertThat(planned(sql, newYorkDaily, newYork)).containsExactly(newYork.firstOccurrence());
            // the fall-back day has 25 hours, each a fire, one real hour apart
            List<Instant> hourly = planned(sql, berlinHourly, berlin);
            assertThat(hourly).hasSize(25);
            for (int i = 1; i < hourly.size(); i++) {
                assertThat(Duration.between(hourly.get(i - 1), hourly.get(i))).isEqualTo(Duration.ofHours(1));
            }
        }
    }

    private static String createJob(Api api, String name, FallBack night, String cron) {
        return api.createJob("{\"name\": \"" + name + "\", \"schedule\": {\"cron\": \"" + cron + "\", \"timeZone\": \""
                + night.zone().getId() + "\"}, " + TASK + "}");
    }

    private static List<String> next(Api api, String jobId, int count) {
        List<String> times = new ArrayList<>();
        api.get("/api/jobs/" + jobId + "/next?count=" + count).body().path("next").forEach(t -> times.add(t.asText()));
        return times;
    }

    /** The job's fires the planner stored for the local day of the night. */
    private static List<Instant> planned(JdbcClient sql, String jobId, FallBack night) {
        return sql.sql("SELECT scheduled_at FROM job_fires WHERE job_id = ? AND state = 'PLANNED'"
                        + " AND scheduled_at >= ? AND scheduled_at < ? ORDER BY scheduled_at")
                .params(jobId, night.dayStart().toEpochMilli(), night.dayEnd().toEpochMilli())
                .query(Long.class).list().stream().map(Instant::ofEpochMilli).toList();
    }
}

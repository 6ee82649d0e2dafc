package routes.api.schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import routes.job.FireStore;
import routes.task.TaskEvents;

/**
 * The operators' dashboard (GET /api/dashboard, routes.api.Dashboard).
 *
 * @param tasks     tasks that have not ended, by state
 * @param lastHour  sums of {@code perMinute}
 * @param perMinute the last 60 minutes, oldest first, each starting at {@code minute}
 * @param queues    each queue's depth and the age of its oldest task (since it was created)
 * @param agents    live (heartbeat within the agent timeout), of those draining and overloaded, and dead
 * @param fires     job fires of the last hour by outcome, how late the fired ones were taken, the latest ones
 */
public record DashboardView(Instant at, Map<String, Long> tasks, Totals lastHour, List<TaskEvents.Minute> perMinute,
                            List<Queue> queues, Agents agents, FireStore.Recent fires) {

    public record Totals(long succeeded, long failed, long retried) {
    }

    public record Queue(String type, String priority, long depth, Long oldestAgeMillis) {
    }

    /** Live agents (heartbeat within the agent timeout), of those draining and overloaded, and dead ones; slots of the live. */
    public record Agents(int live, int draining, int overloaded, int dead, int slots, int busySlots) {
    }
}

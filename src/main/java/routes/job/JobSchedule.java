package routes.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * When a job fires, as stored and shown: exactly one of {@code cron}, {@code at} and {@code every}. Times are
 * ISO-8601 instants, {@code every} an ISO-8601 duration, all normalised at the edge (api.JobRequests).
 *
 * @param cron     a cron expression: 6 or 7 fields (with seconds, Quartz style) or 5 fields (classic crontab)
 * @param timeZone IANA zone the cron fields are read in
 * @param at       the one time a one-off job fires
 * @param every    the period of a fixed-rate job
 * @param start    the first fire of a fixed-rate job
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSchedule(String cron, String timeZone, String at, String every, String start) {
}

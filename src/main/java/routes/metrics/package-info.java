/**
 * Caravan's gauges: what a scrape of /actuator/prometheus shows of the queues, the fleet, the results backlog and the
 * quarantine, read by a periodic refresh (metrics.yaml), never by the scrape itself. The counters and histograms live
 * with the code that changes the record (routes.task.TaskMeters, routes.job.FireLateness, ...). Nothing depends on
 * this package.
 */
package routes.metrics;

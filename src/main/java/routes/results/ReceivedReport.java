package routes.results;

import routes.message.RunReport;

/** A report taken from Redis: parsed, with its raw text to acknowledge it by. Null report: unreadable. */
public record ReceivedReport(String raw, RunReport report) {
}

package routes.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One message about an incident, to be delivered to each of {@code channels}: that it began ({@code FIRING}) or that
 * its condition cleared ({@code RESOLVED}). The body of direct:deliver-alert, and what a webhook receives as JSON.
 *
 * @param id         the notice's id (alert_notices.id)
 * @param incidentId the incident it is about; a firing notice and its resolved notice share it
 * @param rule       the rule's name
 * @param kind       what the rule watches, e.g. task-exhausted, job-missed, job-silent, agent-dead
 * @param subject    what the incident is about, in the operator's words, e.g. "agent a1", "job nightly (12)"
 * @param state      FIRING or RESOLVED
 * @param summary    one sentence that says what happened
 * @param startedAt  when the condition began to hold
 * @param resolvedAt when it cleared; null while firing
 * @param at         when this notice was made
 * @param channels   the names of the channels to deliver it to
 */
public record AlertNotice(long id, long incidentId, String rule, String kind, String subject, String state,
                          String summary, Instant startedAt,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Instant resolvedAt, Instant at,
                          List<String> channels) {
}

package routes.alert;

/**
 * A delivery this node has taken to attempt now.
 *
 * @param deliveryId the delivery (alert_deliveries.id); what a webhook receives as Caravan-Delivery
 * @param channel    the channel's name, as the notice gave it
 * @param attempt    which attempt this is, from 1
 * @param notice     the notice
 * @param noticeJson the notice as JSON, as a webhook receives it
 * @param startedAt  when the attempt began (epoch millis)
 */
public record AlertAttempt(long deliveryId, String channel, int attempt, AlertNotice notice, String noticeJson,
                           long startedAt) {
}

package routes.alert;

import java.net.URI;
import org.springframework.stereotype.Component;
import routes.config.AlertDeliveryProperties;
import routes.config.ChannelSpec;
import routes.config.ControlRole;
import routes.webhook.PostFailed;
import routes.webhook.SignedPost;

/**
 * POSTs a notice to a webhook channel's url as JSON, signed with the channel's secret ({@link SignedPost}), with the
 * delivery's id as {@code Caravan-Delivery}.
 */
@Component
@ControlRole
public class WebhookSender {

    private final SignedPost signedPost;
    private final AlertDeliveryProperties delivery;

    public WebhookSender(SignedPost signedPost, AlertDeliveryProperties delivery) {
        this.signedPost = signedPost;
        this.delivery = delivery;
    }

    public void post(ChannelSpec channel, AlertAttempt attempt) {
        try {
            signedPost.post(URI.create(channel.url()), channel.secret(), attempt.noticeJson(),
                    Long.toString(attempt.deliveryId()), delivery.timeout());
        } catch (PostFailed e) {
            throw new DeliveryFailed(e.getMessage(), false);
        }
    }
}

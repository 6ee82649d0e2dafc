package routes.callback;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.CallbackProperties;
import routes.config.ControlRole;
import routes.task.CallbackAttempt;
import routes.task.CallbackStore;
import routes.webhook.PostFailed;
import routes.webhook.SignedPost;

/**
 * POSTs a task's final view to its callback url, signed with caravan.callbacks.secret ({@link SignedPost}), with
 * the callback's id as {@code Caravan-Delivery} (the same on every attempt); and records a failed attempt, saying
 * why in words.
 */
@Component
@ControlRole
public class CallbackSender {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);

    private final SignedPost signedPost;
    private final CallbackStore store;
    private final CallbackProperties settings;

    public CallbackSender(SignedPost signedPost, CallbackStore store, CallbackProperties settings) {
        this.signedPost = signedPost;
        this.store = store;
        this.settings = settings;
    }

    /** Sends the callback to the (checked) url; the status of the 2xx answer, or {@link PostFailed} saying why not. */
    public int post(URI url, CallbackAttempt attempt) {
        return signedPost.post(url, settings.secret(), attempt.body(), Long.toString(attempt.id()), settings.timeout());
    }

    /**
     * Records a failed attempt: a refused url ({@link CallbackRefused}) is not tried again; what the receiver or the
     * network said ({@link PostFailed}) is, after the backoff; anything else failed on this node, which logs it.
     */
    public void failed(CallbackAttempt attempt, Exception failure) {
        // as a route's step throws it, wrapped
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CallbackRefused || t instanceof PostFailed) {
                store.failed(attempt, t.getMessage(), t instanceof CallbackRefused);
                return;
            }
        }
        LOG.warn("callback {} of task {} failed on this node", attempt.id(), attempt.taskId(), failure);
        store.failed(attempt, "the attempt failed on this node (its log says why)", false);
    }
}

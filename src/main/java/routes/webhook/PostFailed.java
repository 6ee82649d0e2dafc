package routes.webhook;

/** A signed POST did not get through, for the reason in the message (in words, as a record of the attempt shows it). */
public class PostFailed extends RuntimeException {

    public PostFailed(String reason) {
        // an outcome, not a fault: no stack trace to fill
        super(reason, null, false, false);
    }
}

package routes.callback;

/** A callback's url may not be reached (any more), for the reason in the message: it is not tried again. */
public class CallbackRefused extends RuntimeException {

    public CallbackRefused(String reason) {
        // an outcome, not a fault: no stack trace to fill
        super(reason, null, false, false);
    }
}

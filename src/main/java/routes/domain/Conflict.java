package routes.domain;

/** A request the current state does not allow (a name taken, a task that ended); the message says why. */
public class Conflict extends RuntimeException {

    public Conflict(String message) {
        // a refusal, not a fault: no stack trace to fill
        super(message, null, false, false);
    }
}

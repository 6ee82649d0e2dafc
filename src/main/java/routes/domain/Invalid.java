package routes.domain;

/** A request that cannot be right whatever the state (it names what does not exist); the message says what to fix. */
public class Invalid extends RuntimeException {

    public Invalid(String message) {
        // a refusal, not a fault: no stack trace to fill
        super(message, null, false, false);
    }
}

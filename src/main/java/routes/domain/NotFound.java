package routes.domain;

/** What a request names does not exist; the message says what was looked for ("no task with id ..."). */
public class NotFound extends RuntimeException {

    public NotFound(String message) {
        // a refusal, not a fault: no stack trace to fill
        super(message, null, false, false);
    }
}

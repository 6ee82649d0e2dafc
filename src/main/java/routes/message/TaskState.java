package routes.message;

/**
 * A task's life: QUEUED → DISPATCHED → RUNNING → one of the terminal states, or, after a failed attempt with
 * attempts left, RETRYING → QUEUED again.
 */
public enum TaskState {
    QUEUED, DISPATCHED, RUNNING, RETRYING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isTerminal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }
}

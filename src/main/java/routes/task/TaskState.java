package routes.task;

/** A task's life: QUEUED → DISPATCHED → RUNNING → one of the terminal states. */
public enum TaskState {
    QUEUED, DISPATCHED, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isTerminal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }
}

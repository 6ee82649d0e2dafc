package routes.message;

/**
 * A task's life: QUEUED → DISPATCHED → RUNNING → one of the terminal states, or, after a failed attempt with
 * attempts left, RETRYING → QUEUED again. A workflow's task with parents starts WAITING (in no queue) and is QUEUED
 * once its parents let it run, or ends CANCELLED when one of them failed for good.
 */
public enum TaskState {
    WAITING, QUEUED, DISPATCHED, RUNNING, RETRYING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED;

    public boolean isTerminal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }
}

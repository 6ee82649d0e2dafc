package routes.worker;

/**
 * A worker's report on a lease, validated: {@code outcome} SUCCEEDED or FAILED, {@code result} the JSON it gave (or
 * null), {@code message} in words (or null).
 */
public record WorkerOutcome(String outcome, String result, String message) {
}

package routes.worker;

/** A worker's lease request: at most {@code max} tasks, waiting up to {@code waitMillis}, each leased for {@code leaseMillis}. */
public record LeaseAsk(int max, long waitMillis, long leaseMillis) {
}

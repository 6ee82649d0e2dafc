package routes.logs;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Lines that tell a change in SQL are logged once it committed: what rolls back was never so, and is not told. Loops
 * that read the change are woken then too, not before they could see it.
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    /** Runs now without a transaction, else once the current one committed (and never if it rolls back). */
    public static void log(Runnable lines) {
        run(lines);
    }

    /**
     * The same for what is not a log line but must not run before the change is visible either, such as waking a
     * loop that reads it.
     */
    public static void run(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}

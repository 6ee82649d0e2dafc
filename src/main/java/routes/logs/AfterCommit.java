package routes.logs;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Lines that tell a change in SQL are logged once it committed: what rolls back was never so, and is not told. */
public final class AfterCommit {

    private AfterCommit() {
    }

    /** Runs now without a transaction, else once the current one committed (and never if it rolls back). */
    public static void log(Runnable lines) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            lines.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                lines.run();
            }
        });
    }
}

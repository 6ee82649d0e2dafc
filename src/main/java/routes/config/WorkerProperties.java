package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Payload tasks and the workers that lease them over /api/workers.
 *
 * @param maxPayloadBytes  largest payload a task may carry (its JSON, in UTF-8 bytes)
 * @param maxResultBytes   largest result a worker may report (its JSON, in UTF-8 bytes)
 * @param maxMessageChars  longest message a worker may report
 * @param leaseTime        how long a lease lasts when the worker asks for no other time
 * @param maxLeaseTime     longest lease a worker may ask for (on leasing or extending)
 * @param maxWait          longest a lease request waits for a task when none is ready (at most 30 s)
 * @param maxLeaseBatch    most tasks one lease request may ask for
 * @param workerTimeout    a worker that sends no heartbeat (register, lease, extend) for this long is gone: its leases
 *                         are taken back before they expire
 */
@ConfigurationProperties("caravan.workers")
public record WorkerProperties(int maxPayloadBytes, int maxResultBytes, int maxMessageChars, Duration leaseTime,
                               Duration maxLeaseTime, Duration maxWait, int maxLeaseBatch, Duration workerTimeout) {

    public WorkerProperties {
        if (maxPayloadBytes < 2 || maxResultBytes < 2 || maxMessageChars < 1 || maxLeaseBatch < 1) {
            throw new IllegalArgumentException("caravan.workers.max-payload-bytes, max-result-bytes (at least 2),"
                    + " max-message-chars and max-lease-batch (at least 1) must be positive");
        }
        if (leaseTime.toMillis() < 1000 || maxLeaseTime.compareTo(leaseTime) < 0) {
            throw new IllegalArgumentException("caravan.workers.lease-time must be at least 1s and at most"
                    + " max-lease-time, got " + leaseTime + " and " + maxLeaseTime);
        }
        if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("caravan.workers.max-wait must be 0-30s, got " + maxWait);
        }
        if (workerTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("caravan.workers.worker-timeout must be at least 1s, got " + workerTimeout);
        }
    }
}

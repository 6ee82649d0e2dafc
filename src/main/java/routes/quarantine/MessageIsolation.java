package routes.quarantine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Processes a loop's batch so that one bad message never holds up the others: the batch at once (the fast path);
 * if that fails for a reason of the messages' own, each message alone, and one that still fails is counted by the
 * {@link Quarantine}: tried again later, then set aside. A store that is down fails the whole batch, uncounted,
 * for the loop to wait and take it again.
 */
@Component
public class MessageIsolation {

    /**
     * What became of a batch.
     *
     * @param result   what processing the messages that went through gave, merged
     * @param done     messages processed, or quarantined: they leave their source
     * @param tryLater messages that failed and have tries left
     */
    public record Isolated<M, R>(R result, List<M> done, List<M> tryLater) {
    }

    private final Quarantine quarantine;

    public MessageIsolation(Quarantine quarantine) {
        this.quarantine = quarantine;
    }

    /**
     * @param text    a message as it sits in its source (what the quarantine keeps and replays)
     * @param process processes a list of messages in one go (one transaction)
     * @param none    the result of processing nothing
     * @param merge   merges two results
     */
    public <M, R> Isolated<M, R> process(Loop loop, List<M> batch, Function<M, String> text,
                                         Function<List<M>, R> process, R none, BinaryOperator<R> merge) {
        try {
            return new Isolated<>(process.apply(batch), batch, List.of());
        } catch (RuntimeException failure) {
            if (Quarantine.isStoreDown(failure)) {
                throw failure;
            }
            if (batch.size() == 1) {
                return failed(loop, batch.get(0), text, failure, none);
            }
        }
        R result = none;
        List<M> done = new ArrayList<>();
        List<M> tryLater = new ArrayList<>();
        for (M message : batch) {
            Isolated<M, R> one;
            try {
                one = new Isolated<>(process.apply(List.of(message)), List.of(message), List.of());
            } catch (RuntimeException failure) {
                if (Quarantine.isStoreDown(failure)) {
                    throw failure;
                }
                one = failed(loop, message, text, failure, none);
            }
            result = merge.apply(result, one.result());
            done.addAll(one.done());
            tryLater.addAll(one.tryLater());
        }
        return new Isolated<>(result, done, tryLater);
    }

    /** Merges the results of processing that are lists. */
    public static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private <M, R> Isolated<M, R> failed(Loop loop, M message, Function<M, String> text, RuntimeException failure,
                                         R none) {
        return quarantine.failed(loop, text.apply(message), failure) == Quarantine.Verdict.QUARANTINED
                ? new Isolated<>(none, List.of(message), List.of())
                : new Isolated<>(none, List.of(), List.of(message));
    }
}

package routes.redis;

/** An inbox or in-flight entry taken back from a dead agent. */
public record ReclaimedEntry(String agent, String taskId, int attempt) {

    static ReclaimedEntry parse(String text) {
        int bar = text.indexOf('|');
        InboxEntry entry = InboxEntry.parse(text.substring(bar + 1));
        return new ReclaimedEntry(text.substring(0, bar), entry.taskId(), entry.attempt());
    }
}

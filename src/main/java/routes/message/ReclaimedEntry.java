package routes.message;

/**
 * An inbox or in-flight entry control takes back: from a dead agent, or handed back by a draining one; or a worker's
 * lease that expired or whose worker fell silent (then {@code agent} is the worker). Stored as
 * "agent|taskId:attempt|why" in the lists it passes through.
 */
public record ReclaimedEntry(String agent, String taskId, int attempt, String why) {

    /** The agent stopped sending heartbeats. */
    public static final String DEAD = "dead";
    /** The agent is draining and handed back work it had not started. */
    public static final String DRAINED = "drained";
    /** A worker's lease on the task expired (the "agent" is the worker). */
    public static final String EXPIRED = "expired";
    /** The worker holding the task's lease stopped sending heartbeats. */
    public static final String SILENT = "silent";

    /** @throws IllegalArgumentException when the text is not such an entry */
    public static ReclaimedEntry parse(String text) {
        String[] parts = text.split("\\|", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a reclaimed entry \"agent|taskId:attempt|why\": " + text);
        }
        InboxEntry entry = InboxEntry.parse(parts[1]);
        return new ReclaimedEntry(parts[0], entry.taskId(), entry.attempt(), parts.length > 2 ? parts[2] : DEAD);
    }

    /** What the task's event says about why it went back to its queue. */
    public String reason() {
        return switch (why) {
            case DRAINED -> "agent " + agent + " is draining and handed it back before it started; task back in its queue";
            case EXPIRED -> "the lease of worker " + agent + " on attempt " + attempt + " expired; task back in its queue";
            case SILENT -> "worker " + agent + " stopped sending heartbeats: its lease is taken back, task back in its"
                    + " queue";
            default -> "agent " + agent + " stopped sending heartbeats: declared dead, task back in its queue";
        };
    }
}

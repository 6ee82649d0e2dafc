package routes.quarantine;

/**
 * A loop that consumes messages, and where a quarantined message of it goes when an operator replays it.
 *
 * @param name     the loop's name, as operators see it ("results", "time-wheel", "agent-inbox", ...)
 * @param where    the control node or agent that runs it
 * @param replayTo the Redis key the message came from
 * @param kind     how it is put back there
 */
public record Loop(String name, String where, String replayTo, Replay kind) {

    public enum Replay {
        /** RPUSH onto a list: it is taken after what waits there now. */
        LIST,
        /** ZADD into a sorted set scored by due time, due now. */
        DUE_SET,
        /**
         * RPUSH onto the inbox of the agent that set it aside ({@code where}). Such a message is kept in that
         * agent's own quarantine hash, which only it writes, and goes back to its inbox whatever the entry names.
         */
        AGENT_INBOX
    }
}

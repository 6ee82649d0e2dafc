package routes.task;

/**
 * What an attempt of a task wrote, as recorded: the first caravan.agent.output-cap bytes of each stream, and whether
 * more was dropped. Shown on the single-task view only (GET /api/tasks/{id}), never in lists.
 */
public record RecordedOutput(String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated) {

    /** An attempt that wrote nothing (it has no row). */
    static final RecordedOutput NONE = new RecordedOutput(null, null, false, false);
}

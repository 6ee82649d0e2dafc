package routes.redis;

/** An entry of an agent's inbox and in-flight list: "taskId:attempt". */
public record InboxEntry(String taskId, int attempt) {

    public static String format(String taskId, int attempt) {
        return taskId + ":" + attempt;
    }

    public static InboxEntry parse(String entry) {
        int colon = entry.lastIndexOf(':');
        return new InboxEntry(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return format(taskId, attempt);
    }
}

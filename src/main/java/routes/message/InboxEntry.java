package routes.message;

/** An entry of an agent's inbox and in-flight list: "taskId:attempt". */
public record InboxEntry(String taskId, int attempt) {

    public static String format(String taskId, int attempt) {
        return taskId + ":" + attempt;
    }

    /** @throws IllegalArgumentException when the text is not an entry */
    public static InboxEntry parse(String entry) {
        int colon = entry.lastIndexOf(':');
        try {
            return new InboxEntry(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("not an entry \"taskId:attempt\": " + entry);
        }
    }

    @Override
    public String toString() {
        return format(taskId, attempt);
    }
}

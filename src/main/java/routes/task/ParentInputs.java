package routes.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import routes.config.JsonCodec;
import routes.message.TaskSpec;

/**
 * What a task of a workflow is given of its parents when it is released (docs/api.md, "Workflows"). A command gets
 * environment variables: {@code CARAVAN_PARENTS}, its parents' names in the order of its dependsOn, comma-separated,
 * and for each parent {@code CARAVAN_PARENT_<NAME>_STATE}, {@code _TASK_ID} and {@code _RESULT} (NAME in upper case).
 * A payload task (an object) gets the field {@code parents}: {name: {"taskId", "state", "result", "truncated"}}. A
 * parent's result is its stdout (a command) or the result JSON its worker reported (a payload task), at most
 * caravan.workflows.max-parent-result-bytes of it; a worker's result that fits is given as JSON, one cut short as text.
 */
final class ParentInputs {

    private ParentInputs() {
    }

    /**
     * A parent as it ended, in the record of its child (workflow_tasks.parents).
     *
     * @param result    its stdout or its worker's result, cut to the limit; null when it gave none
     * @param json      the result is a worker's result JSON (else a command's stdout)
     * @param truncated the result was longer than the limit and was cut
     */
    record Parent(String name, String taskId, String state, String result, boolean json, boolean truncated) {

        /** A parent that ended with what its attempt recorded ({@code stdout}, or a worker's {@code result}). */
        static Parent ended(String name, String taskId, String state, String stdout, String result, int limit) {
            String whole = result != null ? result : stdout;
            String cut = cut(whole, limit);
            return new Parent(name, taskId, state, cut, result != null, whole != null && cut.length() < whole.length());
        }
    }

    /** The task's spec with its parents' results in it; {@code parents} in the order of its dependsOn. */
    static TaskSpec give(TaskSpec spec, List<Parent> parents, JsonCodec json) {
        if (spec.forWorker()) {
            ObjectNode payload = ((ObjectNode) spec.payload()).deepCopy();
            ObjectNode given = payload.putObject("parents");
            for (Parent parent : parents) {
                ObjectNode entry = given.putObject(parent.name());
                entry.put("taskId", parent.taskId());
                entry.put("state", parent.state());
                entry.set("result", result(parent, json));
                entry.put("truncated", parent.truncated());
            }
            return spec.withPayload(payload);
        }
        Map<String, String> env = new LinkedHashMap<>(spec.env() == null ? Map.of() : spec.env());
        env.put("CARAVAN_PARENTS", String.join(",", parents.stream().map(Parent::name).toList()));
        for (Parent parent : parents) {
            String prefix = "CARAVAN_PARENT_" + parent.name().toUpperCase(Locale.ROOT) + "_";
            env.put(prefix + "STATE", parent.state());
            env.put(prefix + "TASK_ID", parent.taskId());
            // a process's environment cannot hold NUL
            env.put(prefix + "RESULT", parent.result() == null ? "" : parent.result().replace("\0", ""));
        }
        return spec.withEnv(env);
    }

    /** A worker's result that fits as JSON; else the text (stdout, or a result cut short); null when none. */
    private static JsonNode result(Parent parent, JsonCodec json) {
        if (parent.result() == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        return parent.json() && !parent.truncated() ? json.read(parent.result(), JsonNode.class)
                : JsonNodeFactory.instance.textNode(parent.result());
    }

    /** The longest start of {@code text} of at most {@code limit} bytes in UTF-8 that ends on a whole character. */
    static String cut(String text, int limit) {
        if (text == null || text.length() * 3L <= limit || text.getBytes(StandardCharsets.UTF_8).length <= limit) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > limit) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}

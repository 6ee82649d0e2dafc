package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.WorkflowProperties;
import routes.domain.Page;
import routes.message.TaskSpec;
import routes.task.NewWorkflow;

/**
 * Validates workflows at the edge: each task as a submitted task is validated ({@link TaskRequests}), then the graph.
 * A name twice, a dependsOn that names no task of the workflow, a cycle, no task or too many are refused with a 400
 * that names them; nothing of a refused workflow is stored.
 */
@Component
@ControlRole
public class WorkflowRequests {

    private static final Set<String> FIELDS = Set.of("name", "key", "tasks");
    /** A task's fields that belong to the graph, not to the task. */
    private static final Set<String> GRAPH_FIELDS = Set.of("name", "dependsOn", "whenParentFails");
    /** A task's name names its children's environment variables (CARAVAN_PARENT_<NAME>_RESULT): no '-' or '.'. */
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final int MAX_NAME = 128;
    private static final int MAX_KEY = 128;

    private final RequestJson json;
    private final TaskRequests tasks;
    private final Paging paging;
    private final int maxTasks;
    private final Set<String> taskFields = new HashSet<>();

    public WorkflowRequests(RequestJson json, TaskRequests tasks, Paging paging, WorkflowProperties workflows) {
        this.json = json;
        this.tasks = tasks;
        this.paging = paging;
        this.maxTasks = workflows.maxNodes();
        // key and target too, refused with their own reasons by TaskRequests#workflowTask
        taskFields.addAll(TaskRequests.FIELDS);
        taskFields.addAll(GRAPH_FIELDS);
    }

    /** {"name"?, "key"?, "tasks": [{"name", ...a task's fields, "dependsOn"?, "whenParentFails"?}]}. */
    public NewWorkflow parse(String body) {
        JsonNode node = json.object(body, " describing a workflow, such as {\"tasks\": [{\"name\": \"fetch\","
                + " \"command\": [\"true\"]}, {\"name\": \"report\", \"command\": [\"true\"], \"dependsOn\": [\"fetch\"]}]}");
        RequestJson.onlyFields(node, "", "workflow", FIELDS);
        String name = RequestJson.text(node, "", "name", null);
        if (name != null && (name.isBlank() || name.length() > MAX_NAME)) {
            throw ApiException.badRequest("name must be 1-" + MAX_NAME + " characters, not blank");
        }
        String key = RequestJson.text(node, "", "key", null);
        if (key != null && (key.isEmpty() || key.length() > MAX_KEY)) {
            throw ApiException.badRequest("key must be 1-" + MAX_KEY + " characters");
        }
        JsonNode list = node.get("tasks");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.badRequest("tasks is required: an array of at least one task, each with a name, such as"
                    + " [{\"name\": \"fetch\", \"command\": [\"true\"]}]");
        }
        if (list.size() > maxTasks) {
            throw ApiException.badRequest("a workflow holds at most " + maxTasks + " tasks (caravan.workflows.max-nodes),"
                    + " got " + list.size());
        }
        List<NewWorkflow.Task> parsed = new ArrayList<>(list.size());
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            parsed.add(task(list.get(i), "tasks[" + i + "].", seen));
        }
        checkGraph(parsed);
        return new NewWorkflow(name, key, List.copyOf(parsed));
    }

    /** What a list of workflows asks for in its query: ?limit, offset. */
    public Page page(Map<String, Object> query) {
        return paging.page(query);
    }

    private NewWorkflow.Task task(JsonNode item, String at, Map<String, String> seen) {
        if (!item.isObject()) {
            throw ApiException.badRequest(at.substring(0, at.length() - 1) + " must be a JSON object");
        }
        RequestJson.onlyFields(item, at, "workflow task", taskFields);
        String name = RequestJson.text(item, at, "name", null);
        if (name == null) {
            throw ApiException.badRequest(at + "name is required: the task's name in the workflow, such as \"fetch\"");
        }
        if (!TASK_NAME.matcher(name).matches()) {
            throw ApiException.badRequest(at + "name must be 1-64 letters, digits or '_' (it names its children's"
                    + " environment variables, CARAVAN_PARENT_<NAME>_RESULT), got \"" + name + "\"");
        }
        String earlier = seen.put(name.toUpperCase(Locale.ROOT), name);
        if (earlier != null) {
            throw ApiException.badRequest(at + "name " + name + " is given twice" + (earlier.equals(name) ? ""
                    : " (as " + earlier + ": names are told apart without regard to case)") + "; each task of a"
                    + " workflow needs a name of its own");
        }
        List<String> dependsOn = dependsOn(item, at);
        String whenParentFails = RequestJson.text(item, at, "whenParentFails", null);
        if (whenParentFails != null && !whenParentFails.equals(NewWorkflow.CANCEL)
                && !whenParentFails.equals(NewWorkflow.RUN)) {
            throw ApiException.badRequest(at + "whenParentFails must be \"cancel\" (the task ends CANCELLED when a"
                    + " parent fails for good) or \"run\" (it runs once every parent ended), got \"" + whenParentFails + "\"");
        }
        if (whenParentFails != null && dependsOn.isEmpty()) {
            throw ApiException.badRequest(at + "whenParentFails is taken only with dependsOn: a task without parents"
                    + " runs at once");
        }
        ObjectNode fields = ((ObjectNode) item).deepCopy();
        fields.remove(GRAPH_FIELDS);
        TaskSpec spec = tasks.workflowTask(fields, at);
        if (spec.forWorker() && !dependsOn.isEmpty()) {
            if (!spec.payload().isObject()) {
                throw ApiException.badRequest(at + "payload must be a JSON object when the task has dependsOn: its"
                        + " parents' results are given to it as its field parents");
            }
            if (spec.payload().has("parents")) {
                throw ApiException.badRequest(at + "payload.parents is Caravan's: it holds the parents' results once"
                        + " they ended; give the field another name");
            }
        }
        return new NewWorkflow.Task(name, spec, dependsOn,
                whenParentFails == null ? (dependsOn.isEmpty() ? null : NewWorkflow.CANCEL) : whenParentFails);
    }

    private static List<String> dependsOn(JsonNode item, String at) {
        JsonNode value = item.get("dependsOn");
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw ApiException.badRequest(at + "dependsOn must be an array of the names of tasks of the workflow, such"
                    + " as [\"fetch\"]");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode parent : value) {
            if (!parent.isTextual()) {
                throw ApiException.badRequest(at + "dependsOn must hold only names (strings), found " + parent);
            }
            if (names.contains(parent.asText())) {
                throw ApiException.badRequest(at + "dependsOn names " + parent.asText() + " twice");
            }
            names.add(parent.asText());
        }
        return List.copyOf(names);
    }

    /** Every dependsOn names a task of the workflow, and no task depends on itself through others. */
    private static void checkGraph(List<NewWorkflow.Task> workflow) {
        Map<String, List<String>> parents = new LinkedHashMap<>();
        workflow.forEach(task -> parents.put(task.name(), task.dependsOn()));
        for (int i = 0; i < workflow.size(); i++) {
            List<String> unknown = workflow.get(i).dependsOn().stream().filter(name -> !parents.containsKey(name)).toList();
            if (!unknown.isEmpty()) {
                throw ApiException.badRequest("tasks[" + i + "].dependsOn names no task of the workflow: "
                        + String.join(", ", unknown) + " (its tasks: " + String.join(", ", parents.keySet()) + ")");
            }
        }
        List<String> cycle = cycle(parents);
        if (cycle != null) {
            throw ApiException.badRequest("dependsOn makes a cycle, whose tasks would wait for each other for ever: "
                    + String.join(" -> ", cycle) + " (each depends on the next)");
        }
    }

    /** The names along a cycle of dependsOn, back to the first; null when there is none. */
    private static List<String> cycle(Map<String, List<String>> parents) {
        Map<String, Boolean> done = new HashMap<>();
        for (String name : parents.keySet()) {
            List<String> found = visit(name, parents, done, new ArrayList<>());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Depth first; {@code done} holds false for the names on the path now, true for those fully visited. */
    private static List<String> visit(String name, Map<String, List<String>> parents, Map<String, Boolean> done,
                                      List<String> path) {
        Boolean visited = done.get(name);
        if (Boolean.TRUE.equals(visited)) {
            return null;
        }
        if (Boolean.FALSE.equals(visited)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            return cycle;
        }
        done.put(name, false);
        path.add(name);
        for (String parent : parents.get(name)) {
            List<String> found = visit(parent, parents, done, path);
            if (found != null) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        done.put(name, true);
        return null;
    }
}

package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import routes.callback.CallbackTargets;
import routes.config.ControlRole;
import routes.config.TaskProperties;
import routes.config.WorkerProperties;
import routes.message.CodeVersion;
import routes.message.RetryPolicy;
import routes.message.TaskSpec;
import routes.message.TaskState;
import routes.task.NewTask;
import routes.task.TaskFilter;

/**
 * Validates task submissions at the edge. Every rejection names the field and what to fix; nothing invalid
 * gets past this class.
 */
@Component
@ControlRole
public class TaskRequests {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern AGENT = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final Set<String> FIELDS = Set.of("type", "command", "shell", "env", "workdir",
            "timeoutSeconds", "priority", "labels", "agent", "key", "retry", "target", "code", "payload",
            "callback");
    /** What a payload task cannot carry: it is no process, and it is never sent to an agent. */
    private static final List<String> COMMAND_ONLY_FIELDS = List.of("env", "workdir", "agent", "target", "code");
    private static final Set<String> BULK_FIELDS = Set.of("state", "type", "agent", "job", "broadcast", "resident", "key",
            "exhausted", "workflow");
    private static final Set<String> CODE_FIELDS = Set.of("project", "version");
    private static final Set<String> RETRY_FIELDS = Set.of("maxAttempts", "backoff", "maxBackoff", "onTimeout");
    private static final int MAX_ARGS = 4096;
    private static final int MAX_KEY = 128;
    private static final Duration SHORTEST_BACKOFF = Duration.ofMillis(1);

    private final RequestJson json;
    private final TaskProperties tasks;
    private final WorkerProperties workers;
    private final Paging paging;
    private final CallbackTargets callbacks;

    public TaskRequests(RequestJson json, TaskProperties tasks, WorkerProperties workers, Paging paging,
                        CallbackTargets callbacks) {
        this.json = json;
        this.tasks = tasks;
        this.workers = workers;
        this.paging = paging;
        this.callbacks = callbacks;
    }

    /**
     * What a task list asks for in its query: ?state, type, agent, job, broadcast, resident, key, exhausted, workflow,
     * limit, offset.
     */
    public TaskFilter filter(Map<String, Object> query) {
        return new TaskFilter(state(query), QueryParameters.value(query, "type"), QueryParameters.value(query, "agent"),
                QueryParameters.value(query, "job"), QueryParameters.value(query, "broadcast"),
                QueryParameters.value(query, "resident"), QueryParameters.value(query, "key"), exhausted(query),
                QueryParameters.value(query, "workflow"), paging.page(query));
    }

    /**
     * The body of a bulk retry or cancel: the filter fields of a task list ({"state", "type", "agent", "job",
     * "broadcast", "resident", "key", "exhausted", "workflow"}), at least one of them, each as the list's query takes it.
     */
    public TaskFilter bulkFilter(String body) {
        JsonNode node = json.object(body == null || body.isBlank() ? "{}" : body,
                " of filter fields, such as {\"state\": \"FAILED\", \"exhausted\": true}");
        RequestJson.onlyFields(node, "", "filter", BULK_FIELDS);
        Map<String, Object> query = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (field.getKey().equals("exhausted") ? !value.isBoolean() : !value.isTextual()) {
                throw ApiException.badRequest(field.getKey() + " must be " + (field.getKey().equals("exhausted")
                        ? "true or false" : "a string") + ", got " + value);
            }
            String text = RequestJson.noNul(field.getKey(), value.asText());
            if (field.getKey().equals("key")) {
                if (text.isEmpty() || text.length() > MAX_KEY) {
                    throw ApiException.badRequest("key must be 1-" + MAX_KEY + " characters");
                }
            } else if (!field.getKey().equals("state") && !field.getKey().equals("exhausted")) {
                RequestJson.requireMatch(field.getKey(), text, AGENT);
            }
            query.put(field.getKey(), text);
        }
        if (query.isEmpty()) {
            throw ApiException.badRequest("give at least one filter field (" + String.join(", ", BULK_FIELDS.stream()
                    .sorted().toList()) + "): an empty filter would match every task");
        }
        return new TaskFilter(state(query), QueryParameters.value(query, "type"), QueryParameters.value(query, "agent"),
                QueryParameters.value(query, "job"), QueryParameters.value(query, "broadcast"),
                QueryParameters.value(query, "resident"), QueryParameters.value(query, "key"), exhausted(query),
                QueryParameters.value(query, "workflow"), null);
    }

    /** An output offset of GET /api/tasks/{id}/output (?stdoutFrom=, ?stderrFrom=): a byte offset, 0 when not given. */
    public static long offset(Map<String, Object> query, String name) {
        String value = QueryParameters.value(query, name);
        if (value == null) {
            return 0;
        }
        try {
            long offset = Long.parseLong(value);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiException.badRequest(name + " must be a whole number of bytes, 0 or more (the *Next value of the"
                + " previous read), got \"" + value + "\"");
    }

    /** What a list of a job's runs asks for in its query: ?state, limit, offset. */
    public TaskFilter runsOf(String jobId, Map<String, Object> query) {
        return TaskFilter.runsOf(jobId, state(query), paging.page(query));
    }

    private static TaskState state(Map<String, Object> query) {
        String state = QueryParameters.value(query, "state");
        if (state == null) {
            return null;
        }
        try {
            return TaskState.valueOf(state.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state must be one of " + List.of(TaskState.values()) + ", got \"" + state + "\"");
        }
    }

    private static Boolean exhausted(Map<String, Object> query) {
        String exhausted = QueryParameters.value(query, "exhausted");
        if (exhausted != null && !exhausted.equals("true") && !exhausted.equals("false")) {
            throw ApiException.badRequest("exhausted must be true or false, got \"" + exhausted + "\"");
        }
        return exhausted == null ? null : Boolean.valueOf(exhausted);
    }

    /** One task: a JSON object. */
    public NewTask parseOne(String body) {
        return parse(json.object(body, " describing one task"), "");
    }

    /** Many tasks: {"tasks": [ {...}, ... ]}. All are valid or none is taken. */
    public List<NewTask> parseBatch(String body) {
        JsonNode node = json.read(body);
        JsonNode list = node.isObject() ? node.get("tasks") : null;
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.badRequest("the body must be {\"tasks\": [ ... ]} with at least one task");
        }
        RequestJson.onlyFields(node, "", "batch", Set.of("tasks"));
        if (list.size() > tasks.maxBatch()) {
            throw ApiException.badRequest("a batch holds at most " + tasks.maxBatch() + " tasks, got " + list.size());
        }
        List<NewTask> parsed = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                throw ApiException.badRequest("tasks[" + i + "] must be a JSON object");
            }
            NewTask task = parse(item, "tasks[" + i + "].");
            if (task.spec().broadcast()) {
                throw ApiException.badRequest("tasks[" + i + "].target \"all\" is not taken in a batch: submit a"
                        + " broadcast on its own to POST /api/tasks");
            }
            parsed.add(task);
        }
        return parsed;
    }

    /**
     * The task template of a job: the fields of a task without an idempotency key (every fire makes its own
     * task). {@code at} is the field path that error messages put in front of a field name.
     */
    public TaskSpec template(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(at.substring(0, at.length() - 1)
                    + " is required: an object with the fields of a task, such as {\"command\": [\"echo\", \"hi\"]}");
        }
        NewTask task = parse(node, at);
        if (task.key() != null) {
            throw ApiException.badRequest(at + "key is not allowed in a job's task: each fire makes a task of its own");
        }
        return task.spec();
    }

    /**
     * A task of a workflow: the fields of a task (the workflow's own fields taken out by the caller) without an
     * idempotency key (the workflow may have one) and not a broadcast (a node is one task). {@code at} is the field
     * path that error messages put in front of a field name.
     */
    public TaskSpec workflowTask(JsonNode node, String at) {
        NewTask task = parse(node, at);
        if (task.key() != null) {
            throw ApiException.badRequest(at + "key is not taken in a workflow's task: give the workflow a key");
        }
        if (task.spec().broadcast()) {
            throw ApiException.badRequest(at + "target \"all\" is not taken in a workflow: a task of a workflow is one"
                    + " run on one agent");
        }
        return task.spec();
    }

    private NewTask parse(JsonNode node, String at) {
        RequestJson.onlyFields(node, at, "task", FIELDS);
        String type = RequestJson.text(node, at, "type", "default");
        RequestJson.requireMatch(at + "type", type, NAME);
        List<String> command = command(node, at);
        String shell = RequestJson.text(node, at, "shell", null);
        JsonNode payload = payload(node, at);
        if (command == null && shell == null && payload == null) {
            throw ApiException.badRequest(at + "command is required: an array of strings such as [\"echo\", \"hello\"]"
                    + " (or give shell, a string run by /bin/sh -c, or payload, JSON for a worker)");
        }
        if ((command != null ? 1 : 0) + (shell != null ? 1 : 0) + (payload != null ? 1 : 0) > 1) {
            throw ApiException.badRequest(at + "give one of command, shell or payload, not " + (payload == null
                    ? "both command and shell" : (command != null ? "command" : "shell") + " and payload"));
        }
        if (shell != null && shell.isBlank()) {
            throw ApiException.badRequest(at + "shell must not be empty");
        }
        String workdir = RequestJson.text(node, at, "workdir", null);
        if (workdir != null && !workdir.startsWith("/")) {
            throw ApiException.badRequest(at + "workdir must be an absolute path, got \"" + workdir + "\"");
        }
        int timeout = timeout(node, at);
        String priority = RequestJson.text(node, at, "priority", TaskSpec.NORMAL);
        if (!priority.equals(TaskSpec.URGENT) && !priority.equals(TaskSpec.NORMAL)) {
            throw ApiException.badRequest(at + "priority must be \"urgent\" or \"normal\", got \"" + priority + "\"");
        }
        String agent = RequestJson.text(node, at, "agent", null);
        if (agent != null) {
            RequestJson.requireMatch(at + "agent", agent, AGENT);
        }
        String key = RequestJson.text(node, at, "key", null);
        if (key != null && (key.isEmpty() || key.length() > MAX_KEY)) {
            throw ApiException.badRequest(at + "key must be 1-" + MAX_KEY + " characters");
        }
        String target = RequestJson.text(node, at, "target", null);
        if (target != null && !target.equals(TaskSpec.ALL)) {
            throw ApiException.badRequest(at + "target must be \"all\" (one run on every live agent that takes the"
                    + " task's type and labels), or left out, got \"" + target + "\"");
        }
        if (target != null && agent != null) {
            throw ApiException.badRequest(at + "give either agent (one agent) or target \"all\" (every agent), not both");
        }
        if (target != null && key != null) {
            throw ApiException.badRequest(at + "key cannot be given with target \"all\": a broadcast makes a task per agent");
        }
        TaskSpec spec = new TaskSpec(type, command, shell, stringMap(node, at, "env"), workdir, timeout, priority,
                stringMap(node, at, "labels"), agent, retry(node.get("retry"), at + "retry."), target,
                code(node.get("code"), at + "code."), payload, callback(node, at));
        return new NewTask(spec, key);
    }

    /**
     * Any JSON but null, for a worker of the task's type, at most caravan.workers.max-payload-bytes; null when not
     * given. A payload task takes none of the fields that only a process has.
     */
    private JsonNode payload(JsonNode node, String at) {
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            return null;
        }
        int bytes = payload.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > workers.maxPayloadBytes()) {
            throw ApiException.badRequest(at + "payload is " + bytes + " bytes of JSON; at most "
                    + workers.maxPayloadBytes() + " are taken");
        }
        for (String field : COMMAND_ONLY_FIELDS) {
            if (node.hasNonNull(field)) {
                throw ApiException.badRequest(at + field + " is not taken with payload: a payload task is work for"
                        + " a worker of its type, not a process on an agent");
            }
        }
        return payload;
    }

    /** The url that hears how the task ended, when callbacks are on and the allow-list takes it; null when not given. */
    private String callback(JsonNode node, String at) {
        String url = RequestJson.text(node, at, "callback", null);
        String refusal = url == null ? null : callbacks.refusal(url);
        if (refusal != null) {
            throw ApiException.badRequest(at + "callback " + refusal);
        }
        return url;
    }

    /** {"project": "shop", "version": "1.4.2"}; null when not given. */
    private static CodeVersion code(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest(at.substring(0, at.length() - 1) + " must be an object such as"
                    + " {\"project\": \"shop\", \"version\": \"1.4.2\"}");
        }
        RequestJson.onlyFields(node, at, "code", CODE_FIELDS);
        String project = RequestJson.text(node, at, "project", null);
        String version = RequestJson.text(node, at, "version", null);
        if (project == null || version == null) {
            throw ApiException.badRequest(at.substring(0, at.length() - 1) + " needs both project and version");
        }
        return codeVersion(at, project, version);
    }

    /** A version named in a request: 400, naming the field, when a name is not {@link CodeVersion#isName one}. */
    public static CodeVersion codeVersion(String at, String project, String version) {
        for (String name : new String[] {project, version}) {
            if (!CodeVersion.isName(name)) {
                throw ApiException.badRequest(at + "project and version must be 1-64 letters, digits, '.', '_' or '-'"
                        + " (not starting with '.'), got \"" + name + "\"");
            }
        }
        return new CodeVersion(project, version);
    }

    /** {"maxAttempts": 3, "backoff": "2s", "maxBackoff": "1m", "onTimeout": true}; null when not given. */
    private RetryPolicy retry(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest(at.substring(0, at.length() - 1) + " must be an object such as"
                    + " {\"maxAttempts\": 3, \"backoff\": \"2s\"}");
        }
        RequestJson.onlyFields(node, at, "retry", RETRY_FIELDS);
        JsonNode attempts = node.get("maxAttempts");
        if (attempts == null || !attempts.isIntegralNumber() || !attempts.canConvertToInt() || attempts.asInt() < 1
                || attempts.asInt() > tasks.maxAttemptsLimit()) {
            throw ApiException.badRequest(at + "maxAttempts must be a whole number from 1 to " + tasks.maxAttemptsLimit()
                    + " (the first attempt included), got " + attempts);
        }
        Duration backoff = RequestTimes.duration(node, at, "backoff", tasks.retryBackoff(), SHORTEST_BACKOFF,
                RetryPolicy.LONGEST_BACKOFF);
        Duration maxBackoff = RequestTimes.duration(node, at, "maxBackoff",
                tasks.retryMaxBackoff().compareTo(backoff) < 0 ? backoff : tasks.retryMaxBackoff(), SHORTEST_BACKOFF,
                RetryPolicy.LONGEST_BACKOFF);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw ApiException.badRequest(at + "maxBackoff must not be shorter than backoff");
        }
        JsonNode onTimeout = node.get("onTimeout");
        if (onTimeout != null && !onTimeout.isNull() && !onTimeout.isBoolean()) {
            throw ApiException.badRequest(at + "onTimeout must be true or false, got " + onTimeout);
        }
        return new RetryPolicy(attempts.asInt(), backoff.toString(), maxBackoff.toString(),
                onTimeout == null || onTimeout.isNull() || onTimeout.asBoolean());
    }

    private List<String> command(JsonNode node, String at) {
        JsonNode value = node.get("command");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.isEmpty()) {
            throw ApiException.badRequest(at + "command must be a non-empty array of strings, such as [\"echo\", \"hello\"]");
        }
        if (value.size() > MAX_ARGS) {
            throw ApiException.badRequest(at + "command has more than " + MAX_ARGS + " arguments");
        }
        List<String> argv = new ArrayList<>(value.size());
        for (JsonNode arg : value) {
            if (!arg.isTextual()) {
                throw ApiException.badRequest(at + "command must hold only strings; found " + arg.getNodeType().name().toLowerCase());
            }
            argv.add(RequestJson.noNul(at + "command", arg.asText()));
        }
        if (argv.get(0).isBlank()) {
            throw ApiException.badRequest(at + "command[0], the program to run, must not be empty");
        }
        return List.copyOf(argv);
    }

    private int timeout(JsonNode node, String at) {
        JsonNode value = node.get("timeoutSeconds");
        if (value == null || value.isNull()) {
            return tasks.defaultTimeoutSeconds();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1
                || value.asInt() > tasks.maxTimeoutSeconds()) {
            throw ApiException.badRequest(at + "timeoutSeconds must be a whole number from 1 to "
                    + tasks.maxTimeoutSeconds() + ", got " + value);
        }
        return value.asInt();
    }

    static Map<String, String> stringMap(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw ApiException.badRequest(at + field + " must be an object of string values, such as {\"zone\": \"a\"}");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            if (!entry.getValue().isTextual()) {
                throw ApiException.badRequest(at + field + "." + entry.getKey() + " must be a string");
            }
            if (entry.getKey().isEmpty() || entry.getKey().contains("=")) {
                throw ApiException.badRequest(at + field + " has an invalid name \"" + entry.getKey() + "\"");
            }
            map.put(RequestJson.noNul(at + field, entry.getKey()), RequestJson.noNul(at + field, entry.getValue().asText()));
        }
        return Map.copyOf(map);
    }
}

package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Set;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.TaskProperties;
import routes.message.TaskSpec;
import routes.resident.ResidentSpec;

/** Validates resident definitions at the edge; every rejection names the field and what to fix. */
@Component
@ControlRole
public class ResidentRequests {

    static final int MAX_INSTANCES = 1000;
    private static final Set<String> FIELDS = Set.of("name", "instances", "task", "restartBackoff", "maxRestartBackoff");
    private static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration SHORTEST_BACKOFF = Duration.ofMillis(1);
    private static final Duration LONGEST_BACKOFF = Duration.ofDays(1);

    private final RequestJson json;
    private final TaskRequests tasks;
    private final TaskProperties taskProperties;

    public ResidentRequests(RequestJson json, TaskRequests tasks, TaskProperties taskProperties) {
        this.json = json;
        this.tasks = tasks;
        this.taskProperties = taskProperties;
    }

    public ResidentSpec parse(String body) {
        JsonNode node = json.object(body, ": one resident");
        RequestJson.onlyFields(node, "", "resident", FIELDS);
        String name = RequestJson.text(node, "", "name", null);
        if (name == null) {
            throw ApiException.badRequest("name is required, such as \"queue-consumers\"");
        }
        RequestJson.requireMatch("name", name, TaskRequests.NAME);
        TaskSpec task = template(node.get("task"));
        Duration backoff = RequestTimes.duration(node, "", "restartBackoff", DEFAULT_BACKOFF, SHORTEST_BACKOFF,
                LONGEST_BACKOFF);
        Duration max = RequestTimes.duration(node, "", "maxRestartBackoff",
                backoff.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? backoff : DEFAULT_MAX_BACKOFF, SHORTEST_BACKOFF,
                LONGEST_BACKOFF);
        if (max.compareTo(backoff) < 0) {
            throw ApiException.badRequest("maxRestartBackoff must not be shorter than restartBackoff");
        }
        return new ResidentSpec(name, instances(node.get("instances")), task, backoff, max);
    }

    /** {"instances": N} of a scale request. */
    public int parseScale(String body) {
        JsonNode node = json.object(body, ": {\"instances\": N}");
        RequestJson.onlyFields(node, "", "scale request", Set.of("instances"));
        return instances(node.get("instances"));
    }


    /**
     * A task template without retry (an instance that ends is replaced by its resident instead), without target
     * "all", and with no timeout unless it gives one (the longest allowed).
     */
    private TaskSpec template(JsonNode node) {
        TaskSpec spec = tasks.template(node, "task.");
        if (spec.retry() != null) {
            throw ApiException.badRequest("task.retry is not taken for a resident: an instance that ends is started"
                    + " again by its resident, with restartBackoff");
        }
        if (spec.forWorker()) {
            throw ApiException.badRequest("task.payload is not taken for a resident: a resident runs a command on"
                    + " agents; give command or shell");
        }
        if (spec.callback() != null) {
            throw ApiException.badRequest("task.callback is not taken for a resident: its instances are started again"
                    + " when they end, so they have no ending to report");
        }
        if (spec.broadcast()) {
            throw ApiException.badRequest("task.target \"all\" is not taken for a resident: give instances instead");
        }
        if (!node.has("timeoutSeconds")) {
            spec = new TaskSpec(spec.type(), spec.command(), spec.shell(), spec.env(), spec.workdir(),
                    taskProperties.maxTimeoutSeconds(), spec.priority(), spec.labels(), spec.agent(), null, null, spec.code(), null,
                    null);
        }
        return spec;
    }

    private static int instances(JsonNode node) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0
                || node.asInt() > MAX_INSTANCES) {
            throw ApiException.badRequest("instances must be a whole number from 0 to " + MAX_INSTANCES + ", got " + node);
        }
        return node.asInt();
    }
}

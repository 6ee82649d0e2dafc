package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.WorkerProperties;
import routes.message.InboxEntry;
import routes.worker.LeaseAsk;
import routes.worker.Worker;
import routes.worker.WorkerOutcome;

/**
 * Validates what workers send to /api/workers, and keeps a token of the role worker to the task types it names: such
 * a token may register, lease and report only as a worker of those types (403 otherwise).
 */
@Component
@ControlRole
public class WorkerRequests {

    private static final int MAX_CAPACITY = 1000;
    private static final int MAX_TYPES = 64;

    private final RequestJson json;
    private final WorkerProperties workers;

    public WorkerRequests(RequestJson json, WorkerProperties workers) {
        this.json = json;
        this.workers = workers;
    }

    /** {"types": [...], "labels": {...}, "capacity": N} for the worker named in the path. */
    public Worker registration(String body, @Header("id") String id, @Header(CallerHeaders.TYPES) String tokenTypes) {
        RequestJson.requireMatch("worker id", id, TaskRequests.AGENT);
        JsonNode node = json.object(body, " such as {\"types\": [\"resize\"], \"labels\": {}, \"capacity\": 4}");
        RequestJson.onlyFields(node, "", "worker", Set.of("types", "labels", "capacity"));
        JsonNode types = node.get("types");
        if (types == null || !types.isArray() || types.isEmpty() || types.size() > MAX_TYPES) {
            throw ApiException.badRequest("types is required: an array of 1 to " + MAX_TYPES
                    + " task types the worker serves, such as [\"resize\"]");
        }
        List<String> served = new ArrayList<>();
        for (JsonNode type : types) {
            if (!type.isTextual()) {
                throw ApiException.badRequest("types must hold only strings; found " + type.getNodeType().name()
                        .toLowerCase(Locale.ROOT));
            }
            RequestJson.requireMatch("types", type.asText(), TaskRequests.NAME);
            if (!served.contains(type.asText())) {
                served.add(type.asText());
            }
        }
        Worker worker = new Worker(id, List.copyOf(served), TaskRequests.stringMap(node, "", "labels"),
                number(node, "capacity", 1, MAX_CAPACITY, 1));
        return allowed(worker, tokenTypes);
    }

    /** The worker, if the caller's token may act for it: a worker token names every type the worker serves. */
    public Worker allowed(@Body Worker worker, @Header(CallerHeaders.TYPES) String tokenTypes) {
        if (tokenTypes != null) {
            List<String> allowed = List.of(tokenTypes.split(","));
            List<String> others = worker.types().stream().filter(type -> !allowed.contains(type)).toList();
            if (!others.isEmpty()) {
                throw ApiException.forbidden("this token serves only the task types " + allowed
                        + "; worker " + worker.id() + " serves " + others + " too");
            }
        }
        return worker;
    }

    /** {"max": N, "waitSeconds": S, "leaseSeconds": L}, each optional. */
    public LeaseAsk leaseAsk(String body) {
        JsonNode node = optionalObject(body, " such as {\"max\": 1, \"waitSeconds\": 30, \"leaseSeconds\": 60}");
        RequestJson.onlyFields(node, "", "lease request", Set.of("max", "waitSeconds", "leaseSeconds"));
        int max = number(node, "max", 1, workers.maxLeaseBatch(), 1);
        int wait = number(node, "waitSeconds", 0, (int) workers.maxWait().toSeconds(), 0);
        return new LeaseAsk(max, wait * 1000L, leaseMillis(node));
    }

    /** {"leaseSeconds": L}, optional: the lease's new time from now. */
    public long extension(String body) {
        JsonNode node = optionalObject(body, " such as {\"leaseSeconds\": 60}");
        RequestJson.onlyFields(node, "", "extension", Set.of("leaseSeconds"));
        return leaseMillis(node);
    }

    /** The lease id of the path, "taskId:attempt". */
    public InboxEntry lease(@Header("lease") String lease) {
        try {
            return InboxEntry.parse(lease);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("lease must be a lease id as leasing gave it (\"taskId:attempt\"), got \""
                    + lease + "\"");
        }
    }

    /** A worker's report: {"outcome": "succeeded" or "failed", "result": any JSON, "message": "..."}. */
    public WorkerOutcome outcome(String body) {
        JsonNode node = json.object(body, " such as {\"outcome\": \"succeeded\", \"result\": {...}, \"message\": \"...\"}");
        RequestJson.onlyFields(node, "", "report", Set.of("outcome", "result", "message"));
        String outcome = RequestJson.text(node, "", "outcome", "");
        if (!outcome.equals("succeeded") && !outcome.equals("failed")) {
            throw ApiException.badRequest("outcome must be \"succeeded\" or \"failed\", got \"" + outcome + "\"");
        }
        JsonNode result = node.get("result");
        String resultJson = result == null || result.isNull() ? null : result.toString();
        if (resultJson != null && resultJson.getBytes(StandardCharsets.UTF_8).length > workers.maxResultBytes()) {
            throw ApiException.badRequest("result is " + resultJson.getBytes(StandardCharsets.UTF_8).length
                    + " bytes of JSON; at most " + workers.maxResultBytes() + " are taken");
        }
        String message = RequestJson.text(node, "", "message", null);
        if (message != null && message.length() > workers.maxMessageChars()) {
            throw ApiException.badRequest("message is " + message.length() + " characters; at most "
                    + workers.maxMessageChars() + " are taken");
        }
        return new WorkerOutcome(outcome.toUpperCase(Locale.ROOT), resultJson, message);
    }

    private long leaseMillis(JsonNode node) {
        return number(node, "leaseSeconds", 1, (int) workers.maxLeaseTime().toSeconds(),
                (int) workers.leaseTime().toSeconds()) * 1000L;
    }

    private JsonNode optionalObject(String body, String shouldBe) {
        return body == null || body.isBlank() ? json.read("{}") : json.object(body, shouldBe);
    }

    private static int number(JsonNode node, String field, int min, int max, int absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw ApiException.badRequest(field + " must be a whole number from " + min + " to " + max + ", got " + value);
        }
        return value.asInt();
    }
}

package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import routes.alert.AlertKind;
import routes.alert.AlertNoticeFilter;
import routes.alert.AlertRuleSpec;
import routes.config.ControlRole;

/**
 * Reads alert rules (POST /api/alert-rules, PUT /api/alert-rules/{id}) and the filters of GET /api/alerts; every
 * refusal names the field and what to fix. The rule's own checks (AlertRuleSpec) are those of caravan.alerts.rules.
 */
@Component
@ControlRole
public class AlertRuleRequests {

    private static final Set<String> FIELDS = Set.of("name", "kind", "type", "job", "priority", "perTask", "after",
            "quiet", "channels", "enabled");
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final RequestJson json;
    private final Paging paging;

    public AlertRuleRequests(RequestJson json, Paging paging) {
        this.json = json;
        this.paging = paging;
    }

    public AlertRuleSpec parse(String body) {
        JsonNode node = json.object(body, " describing one alert rule");
        RequestJson.onlyFields(node, "", "alert rule", FIELDS);
        try {
            String kind = RequestJson.text(node, "", "kind", null);
            return new AlertRuleSpec(RequestJson.text(node, "", "name", null), kind == null ? null : AlertKind.of(kind),
                    RequestJson.text(node, "", "type", null), RequestJson.text(node, "", "job", null),
                    RequestJson.text(node, "", "priority", null), flag(node, "perTask", false),
                    RequestTimes.duration(node, "", "after", null, SECOND, Duration.ofDays(366)),
                    RequestTimes.duration(node, "", "quiet", null, SECOND, Duration.ofDays(30)),
                    channels(node.get("channels")), flag(node, "enabled", true));
        } catch (IllegalArgumentException refused) {
            throw ApiException.badRequest(refused.getMessage());
        }
    }

    /** ?rule, ?state (FIRING or RESOLVED), ?subject, ?limit, ?offset of GET /api/alerts. */
    public AlertNoticeFilter filter(Map<String, Object> query) {
        String state = QueryParameters.value(query, "state");
        if (state != null && !state.equals("FIRING") && !state.equals("RESOLVED")) {
            throw ApiException.badRequest("state must be FIRING or RESOLVED, got \"" + state + "\"");
        }
        return new AlertNoticeFilter(QueryParameters.value(query, "rule"), state, QueryParameters.value(query, "subject"),
                paging.page(query));
    }

    private static boolean flag(JsonNode node, String field, boolean absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(field + " must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    private static List<String> channels(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node == null || node.isNull()) {
            return names;
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("channels must be a list of channel names, such as [\"ops-hook\"]");
        }
        for (JsonNode name : node) {
            if (!name.isTextual()) {
                throw ApiException.badRequest("channels must be a list of channel names, such as [\"ops-hook\"]");
            }
            names.add(name.asText());
        }
        return names;
    }
}

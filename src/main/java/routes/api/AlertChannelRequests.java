package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import routes.config.ChannelSpec;
import routes.config.ControlRole;

/**
 * Reads alert channel definitions at the edge. The checks themselves are ChannelSpec's, the same for the
 * configuration; a refusal is a 400 that names the field.
 */
@Component
@ControlRole
public class AlertChannelRequests {

    private static final Set<String> FIELDS = Set.of("name", "kind", "url", "secret", "to");

    private final RequestJson json;

    public AlertChannelRequests(RequestJson json) {
        this.json = json;
    }

    /** A new channel (POST /api/alert-channels). */
    public ChannelSpec parse(String body) {
        JsonNode node = fields(body);
        return spec(RequestJson.text(node, "", "name", null), node, RequestJson.text(node, "", "secret", null));
    }

    /**
     * A channel's new definition (PUT /api/alert-channels/{name}): its name may be left out, not changed; a webhook
     * sent without a secret keeps {@code storedSecret}.
     */
    public ChannelSpec parseReplacement(String name, String body, String storedSecret) {
        JsonNode node = fields(body);
        String sentName = RequestJson.text(node, "", "name", name);
        if (!sentName.equals(name)) {
            throw ApiException.badRequest("name cannot be changed (rules name channels by it): leave it out, or make"
                    + " a channel named \"" + sentName + "\" and delete this one");
        }
        String secret = RequestJson.text(node, "", "secret", null);
        boolean webhook = ChannelSpec.WEBHOOK.equals(node.path("kind").asText(null));
        return spec(name, node, secret == null && webhook ? storedSecret : secret);
    }

    /** The id of a notice in a path (/api/alerts/{id}/deliveries). */
    public long noticeId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("id must be a notice's id, a whole number, got \"" + id + "\"");
        }
    }

    private JsonNode fields(String body) {
        JsonNode node = json.object(body, " describing one alert channel, such as {\"name\": \"ops\", \"kind\":"
                + " \"email\", \"to\": [\"ops@example.com\"]}");
        RequestJson.onlyFields(node, "", "channel", FIELDS);
        return node;
    }

    private static ChannelSpec spec(String name, JsonNode node, String secret) {
        try {
            return new ChannelSpec(name, RequestJson.text(node, "", "kind", null), RequestJson.text(node, "", "url", null),
                    secret, addresses(node.get("to")));
        } catch (IllegalArgumentException refused) {
            throw ApiException.badRequest(refused.getMessage());
        }
    }

    private static List<String> addresses(JsonNode to) {
        if (to == null || to.isNull()) {
            return null;
        }
        if (!to.isArray()) {
            throw ApiException.badRequest("to must be a list of email addresses, such as [\"ops@example.com\"]");
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode address : to) {
            if (!address.isTextual()) {
                throw ApiException.badRequest("to must hold email addresses as strings, got " + address);
            }
            addresses.add(RequestJson.noNul("to", address.asText()));
        }
        return addresses;
    }
}

package routes.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/** Reads a request body as JSON; an empty or malformed body is a 400 that says where it broke. */
@Component
@ControlRole
public class RequestJson {

    private final ObjectReader json;

    public RequestJson(ObjectMapper json) {
        // strict: one JSON value and nothing after it, each key once
        this.json = json.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    public JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("the request body is empty; send JSON");
        }
        if (body.indexOf('\uFFFD') >= 0) {
            throw ApiException.badRequest("the request body is not valid UTF-8; send JSON encoded as UTF-8");
        }
        try {
            return json.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("the JSON is too deeply nested or too large: at most "
                    + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels of nesting");
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.badRequest("malformed JSON" + where + ": " + words(e.getOriginalMessage()));
        }
    }

    /** Jackson's reason, without the names of its classes and settings that mean nothing to a client. */
    private static String words(String reason) {
        if (reason == null) {
            return "not a JSON value";
        }
        if (reason.startsWith("Duplicate field")) {
            return reason.replace("Duplicate field", "a key appears twice:");
        }
        if (reason.contains("Trailing token") || reason.contains("trailing token")) {
            return "there is more after the JSON value; send exactly one JSON value";
        }
        String firstLine = reason.lines().findFirst().orElse(reason);
        return firstLine.replaceAll("\\s*\\(?[A-Za-z]+(Feature|Constraints)\\.[A-Za-z_.()]+\\)?", "").trim();
    }

    /**
     * The body as a JSON object; anything else is a 400 that says "the body must be a JSON object" followed by
     * {@code shouldBe}, what it should hold (" describing one job", " such as {...}").
     */
    public JsonNode object(String body, String shouldBe) {
        JsonNode node = read(body);
        if (!node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object" + shouldBe);
        }
        return node;
    }

    /** Rejects a field that is not in {@code known}, naming the ones that are. */
    public static void onlyFields(JsonNode node, String at, String what, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest(at + name + " is not a " + what + " field; known fields: " + new TreeSet<>(known));
            }
        }
    }

    public static String text(JsonNode node, String at, String field, String absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(at + field + " must be a string, got " + value.getNodeType().name().toLowerCase());
        }
        return noNul(at + field, value.asText());
    }

    public static void requireMatch(String field, String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            throw ApiException.badRequest(field + " must match " + pattern.pattern() + ", got \"" + value + "\"");
        }
    }

    public static String noNul(String field, String value) {
        if (value.indexOf('\0') >= 0) {
            throw ApiException.badRequest(field + " must not contain NUL characters");
        }
        return value;
    }
}

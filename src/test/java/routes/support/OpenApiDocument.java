package routes.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OpenAPI 3.0 description, to check JSON against its schemas as strictly as a generated client reads it: a
 * property the schema does not name is an error (generated Java clients refuse those), so is a missing required
 * one, a null where the schema is not nullable, a wrong type, a value outside an enum or a malformed date-time. It
 * notes which properties of which component schemas it saw, so a test can tell whether requests used them all.
 */
public final class OpenApiDocument {

    private final JsonNode document;
    private final Set<String> seen = new TreeSet<>();

    public OpenApiDocument(JsonNode document) {
        this.document = document;
    }

    public JsonNode json() {
        return document;
    }

    /** The operation for a path as the description spells it ("/api/tasks/{id}") and a method ("post"). */
    public JsonNode operation(String method, String path) {
        return document.path("paths").path(path).path(method.toLowerCase());
    }

    /** The component schema a {@code $ref} names. */
    public JsonNode component(String ref) {
        return document.path("components").path("schemas").path(name(ref));
    }

    /** "Component.property" for every property seen in a checked value, under the component that declares it. */
    public Set<String> seen() {
        return seen;
    }

    /** What is wrong with {@code value} as an instance of {@code schema}; empty when nothing. */
    public List<String> violations(JsonNode schema, JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(schema, value, "$", "", problems);
        return problems;
    }

    private void check(JsonNode schema, JsonNode value, String at, String component, List<String> problems) {
        if (schema.has("$ref")) {
            String ref = schema.path("$ref").asText();
            check(component(ref), value, at, name(ref), problems);
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(at + " is null, but its schema is not nullable");
            }
            return;
        }
        for (JsonNode part : schema.path("allOf")) {
            check(part, value, at, component, problems);
        }
        if (schema.has("anyOf")) {
            List<String> all = new ArrayList<>();
            for (JsonNode option : schema.path("anyOf")) {
                List<String> these = new ArrayList<>();
                check(option, value, at, component, these);
                if (these.isEmpty()) {
                    all.clear();
                    break;
                }
                all.addAll(these);
            }
            problems.addAll(all.isEmpty() ? List.of() : List.of(at + " matches none of anyOf: " + all));
        }
        if (schema.has("enum") && !contains(schema.path("enum"), value)) {
            problems.add(at + " is " + value + ", not one of " + schema.path("enum"));
        }
        switch (schema.path("type").asText("")) {
            case "object" -> object(schema, value, at, component, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + " is " + value.getNodeType() + ", not an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), at + "[" + i + "]", component, problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(at + " is " + value.getNodeType() + ", not a string");
                } else if (schema.path("format").asText().equals("date-time") && !isDateTime(value.asText())) {
                    problems.add(at + " is \"" + value.asText() + "\", not a date-time");
                }
            }
            case "integer" -> {
                boolean int32 = schema.path("format").asText().equals("int32");
                if (!value.isIntegralNumber() || (int32 && !value.canConvertToInt())) {
                    problems.add(at + " is " + value + ", not an integer" + (int32 ? " (int32)" : ""));
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(at + " is " + value + ", not a number");
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + " is " + value + ", not a boolean");
                }
            }
            default -> { }
        }
    }

    private void object(JsonNode schema, JsonNode value, String at, String component, List<String> problems) {
        if (!value.isObject()) {
            problems.add(at + " is " + value.getNodeType() + ", not an object");
            return;
        }
        if (schema.has("allOf") || schema.has("anyOf")) {
            return;
        }
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(at + "." + required.asText() + " is required but missing");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String where = at + "." + field.getKey();
            if (properties.has(field.getKey())) {
                if (!component.isEmpty()) {
                    seen.add(component + "." + field.getKey());
                }
                check(properties.path(field.getKey()), field.getValue(), where, "", problems);
            } else if (additional.isObject()) {
                check(additional, field.getValue(), where, "", problems);
            } else if (!additional.asBoolean(false)) {
                problems.add(where + " is not a documented property");
            }
        }
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDateTime(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String name(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }
}

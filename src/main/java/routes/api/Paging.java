package routes.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A page of a list the API returns: {@code limit} items from {@code offset}, both checked. */
public record Paging(int limit, int offset) {

    public static Paging of(String limit, String offset, int maxLimit) {
        int pageSize = whole("limit", limit, 50);
        int skip = whole("offset", offset, 0);
        if (pageSize < 1 || pageSize > maxLimit) {
            throw ApiException.badRequest("limit must be from 1 to " + maxLimit);
        }
        if (skip < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        return new Paging(pageSize, skip);
    }

    /** The response body: the items under {@code name}, and the total, limit and offset. */
    public Map<String, Object> body(String name, List<?> items, long total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, items);
        body.put("total", total);
        body.put("limit", limit);
        body.put("offset", offset);
        return body;
    }

    /** A whole-number query parameter; {@code absent} when not given. */
    public static int whole(String name, String value, int absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, got \"" + value + "\"");
        }
    }
}

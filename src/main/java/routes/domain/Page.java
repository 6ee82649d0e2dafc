package routes.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A page of a list: {@code limit} items from {@code offset}, both checked where the request is read. */
public record Page(int limit, int offset) {

    /** The list's body: the items under {@code name}, and the total, limit and offset. */
    public Map<String, Object> body(String name, List<?> items, long total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, items);
        body.put("total", total);
        body.put("limit", limit);
        body.put("offset", offset);
        return body;
    }
}

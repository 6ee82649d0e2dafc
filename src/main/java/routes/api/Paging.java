package routes.api;

import java.util.Map;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.TaskProperties;
import routes.domain.Page;

/** Reads the page a list request asks for: {@code ?limit=} (1 to the configured limit, 50 if not given), {@code ?offset=}. */
@Component
@ControlRole
public class Paging {

    private final int maxLimit;

    public Paging(TaskProperties tasks) {
        this.maxLimit = tasks.pageSizeLimit();
    }

    public Page page(Map<String, Object> query) {
        int pageSize = whole("limit", QueryParameters.value(query, "limit"), 50);
        int skip = whole("offset", QueryParameters.value(query, "offset"), 0);
        if (pageSize < 1 || pageSize > maxLimit) {
            throw ApiException.badRequest("limit must be from 1 to " + maxLimit);
        }
        if (skip < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        return new Page(pageSize, skip);
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

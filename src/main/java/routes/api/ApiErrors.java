package routes.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.Conflict;
import routes.domain.Invalid;
import routes.domain.NotFound;

/** The JSON body of every error Caravan returns: {"status": 400, "error": "Bad Request", "message": "..."}. */
@Component
@ControlRole
public class ApiErrors {

    public static final String INTERNAL_MESSAGE = "internal error; the server log has the details";

    public Map<String, Object> body(int status, String message) {
        HttpStatus known = HttpStatus.resolve(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", known == null ? "Error" : known.getReasonPhrase());
        body.put("message", message);
        return body;
    }

    /**
     * The body for a refusal, found in the cause chain (Camel wraps what a bean expression throws): the edge's own
     * (a bad request), or the domain's, whose messages are already the caller's words.
     */
    public Map<String, Object> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException refused) {
                return body(refused.getStatus(), refused.getMessage());
            }
            if (t instanceof NotFound missing) {
                return body(404, missing.getMessage());
            }
            if (t instanceof Conflict conflict) {
                return body(409, conflict.getMessage());
            }
            if (t instanceof Invalid invalid) {
                return body(400, invalid.getMessage());
            }
        }
        return internal();
    }

    public Map<String, Object> unreadableBody() {
        return body(400, "the request body is not valid UTF-8 text; send JSON encoded as UTF-8");
    }

    public Map<String, Object> internal() {
        return body(500, INTERNAL_MESSAGE);
    }
}

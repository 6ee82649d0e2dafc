package routes.api;

import java.util.Optional;
import org.springframework.stereotype.Component;

/** Turns "there is none" into a 404 that names what was looked for. */
@Component
public class Found {

    public <T> T orNotFound(Optional<T> value, String what, String id) {
        return value.orElseThrow(() -> ApiException.notFound("no " + what + " with id " + id));
    }

    public void existed(boolean found, String what, String id) {
        if (!found) {
            throw ApiException.notFound("no " + what + " with id " + id);
        }
    }
}

package routes.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A token just created: the only time its secret is shown. */
public record IssuedToken(String id, String user, String name, String role, long createdAt, Long expiresAt,
                          String token, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> types) {
}

package routes.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An API token as lists show it: never the token or its hash. Times in epoch ms; {@code expiresAt} null: never. */
public record TokenView(String id, String user, String name, String role, long createdAt, Long expiresAt,
                        Long lastUsedAt, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> types) {
}

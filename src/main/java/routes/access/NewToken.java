package routes.access;

import java.util.List;

/**
 * A token to make, checked at the edge; {@code expiresAt} in epoch ms, null: never. {@code types}: for the role worker,
 * the task types it may serve; null for the other roles.
 */
public record NewToken(String user, String name, Role role, Long expiresAt, List<String> types) {
}

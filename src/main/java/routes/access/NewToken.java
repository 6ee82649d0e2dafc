package routes.access;

/** A token to make, checked at the edge; {@code expiresAt} in epoch ms, null: never. */
public record NewToken(String user, String name, Role role, Long expiresAt) {
}

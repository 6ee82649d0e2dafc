package routes.access;

/**
 * Who sent a request, as authenticated at the edge.
 *
 * @param name the user, or {@code admin-token} for the configured admin token
 * @param role what the credential allows: a token's role, never above its user's
 * @param via  {@code session}, {@code token} or {@code admin-token}
 */
public record Caller(String name, Role role, String via) {
}

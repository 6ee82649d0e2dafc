package routes.access;

import java.util.List;

/**
 * Who sent a request, as authenticated at the edge.
 *
 * @param name the user, or {@code admin-token} for the configured admin token
 * @param role what the credential allows: a token's role, never above its user's
 * @param via  {@code session}, {@code token} or {@code admin-token}
 * @param types for a token of the role worker: the task types it may serve; null for every other caller
 */
public record Caller(String name, Role role, String via, List<String> types) {

    public Caller(String name, Role role, String via) {
        this(name, role, via, null);
    }
}

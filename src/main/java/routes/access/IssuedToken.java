package routes.access;

/** A token just created: the only time its secret is shown. */
public record IssuedToken(String id, String user, String name, String role, long createdAt, Long expiresAt,
                          String token) {
}

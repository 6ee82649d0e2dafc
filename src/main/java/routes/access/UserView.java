package routes.access;

/** A user as the API shows it: never the password hash. */
public record UserView(String name, String role, long createdAt, long changedAt) {
}

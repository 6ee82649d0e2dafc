package routes.access;

/** A user to create, checked at the edge. */
public record NewUser(String name, Role role, String password) {
}

package routes.access;

/** A change to a user, checked at the edge: each null field stays as it is. */
public record UserChange(String name, Role role, String password) {
}

package routes.support;

/** Console users for browser tests, made through the API with the admin token (the admin is Cluster.ADMIN_PASSWORD's). */
public final class ConsoleUsers {

    public static final String PASSWORD = "console-test-password-1";

    private ConsoleUsers() {
    }

    /** Creates a user with {@link #PASSWORD} and the given role through the API (the admin token). */
    public static void create(Api api, String name, String role) {
        Api.Response response = api.post("/api/users",
                "{\"name\": \"" + name + "\", \"password\": \"" + PASSWORD + "\", \"role\": \"" + role + "\"}");
        if (response.status() != 201 && response.status() != 200) {
            throw new AssertionError("user " + name + " refused: " + response.status() + " " + response.body());
        }
    }
}

package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The console's users for browser tests: the first admin (its generated password) and one user per role. */
public final class ConsoleUsers {

    public static final String PASSWORD = "console-test-password-1";

    private ConsoleUsers() {
    }

    /** The first admin's password, generated at first start into the control node's data directory. */
    public static String adminPassword(Path controlDataDir) {
        try {
            return Files.readString(controlDataDir.resolve("admin-password")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
